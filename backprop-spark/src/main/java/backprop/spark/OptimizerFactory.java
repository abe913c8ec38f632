package backprop.spark;

import backprop.optim.Optimizer;
import backprop.tensor.Parameter;
import java.io.Serializable;
import java.util.List;

/**
 * Makes the run's optimizer for a list of parameters: the driver makes one for the model, and in
 * averaging mode every partition makes its own (loading the driver's state into it).
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
    Optimizer create(List<Parameter> parameters);
}
