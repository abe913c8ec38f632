package backprop.optim;

import backprop.autograd.GradMode;
import backprop.internal.Checks;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.List;

/**
 * Moves parameters against their gradients. An optimizer owns all of its state (momentum
 * buffers, moment estimates), kept per parameter in the order of the list it was given.
 * The training loop reads like the textbook: {@code zeroGrad(); loss.backward(); step();}.
 */
public abstract class Optimizer {
    private final List<Parameter> parameters;
    private double learningRate;

    protected Optimizer(List<Parameter> parameters, double learningRate) {
        Checks.require(!parameters.isEmpty(), "optimizer: got an empty parameter list");
        Checks.require(learningRate > 0, "learning rate must be > 0; got %s", learningRate);
        this.parameters = List.copyOf(parameters);
        this.learningRate = learningRate;
    }

    /** Forgets the gradients of the last backward pass. */
    public final void zeroGrad() {
        parameters.forEach(Tensor::zeroGrad);
    }

    /** Moves every parameter that has a gradient one step, in place. */
    public final void step() {
        try (var noGrad = GradMode.disabled()) {
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                if (p.grad() != null) {
                    update(i, p, p.grad());
                }
            }
        }
    }

    /** Updates one parameter in place; {@code index} keys this optimizer's state for it. */
    protected abstract void update(int index, Parameter p, Tensor grad);

    public final double learningRate() {
        return learningRate;
    }

    /** For learning-rate schedules: the rate of the following steps. */
    public final void setLearningRate(double value) {
        Checks.require(value >= 0 && Double.isFinite(value), "learning rate must be finite and >= 0; got %s", value);
        learningRate = value;
    }

    public final List<Parameter> parameters() {
        return parameters;
    }

    /** The state arrays, in a fixed order, for checkpoints: {@code name -> values} per parameter index. */
    public abstract java.util.Map<String, double[]> state();

    /** Restores what {@link #state()} returned (same parameters, same order). */
    public abstract void loadState(java.util.Map<String, double[]> state);

    /** A float32 state array as doubles, exactly, for {@link #state()}. */
    protected static double[] widen(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    /** The inverse of {@link #widen}, for {@link #loadState}. */
    protected static float[] narrow(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }
}
