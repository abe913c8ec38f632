package backprop.spark;

import backprop.optim.Optimizer;
import backprop.optim.OptimizerSpec;
import backprop.tensor.Parameter;
import java.io.Serializable;
import java.util.List;

/**
 * Makes the run's optimizer for a list of parameters: the driver makes one for the model, and
 * every task one for its replica (loading the driver's state into it). It travels to the
 * executors, so its class must be there: {@link #of} is, a lambda of the caller's may not be.
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
    /** A new optimizer over {@code parameters}. */
    Optimizer create(List<Parameter> parameters);

    /**
     * The optimizer {@code spec} describes, as a factory Java serialization can carry to the
     * executors: the lambda captures only the spec's plain values, because core's classes are
     * kept free of {@code Serializable} (files are read as data, never as objects).
     */
    static OptimizerFactory of(OptimizerSpec spec) {
        OptimizerSpec.Kind kind = spec.kind();
        double lr = spec.learningRate();
        double momentum = spec.momentum();
        double weightDecay = spec.weightDecay();
        return parameters -> new OptimizerSpec(kind, lr, momentum, weightDecay).create(parameters);
    }
}
