package backprop.nn;

import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.random.RandomGenerator;

/** Weight initializations that keep activations' variance steady through the layers. */
public enum Init {
    /** He et al. (2015), for ReLU: uniform in ±sqrt(6 / fan_in). */
    HE,
    /** Glorot and Bengio (2010), for sigmoid and tanh: uniform in ±sqrt(6 / (fan_in + fan_out)). */
    XAVIER;

    /** A weight matrix [out, in]. */
    public Tensor weight(RandomGenerator rng, DType dtype, int out, int in) {
        double bound = this == HE ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
        return Tensor.uniform(rng, -bound, bound, dtype, out, in);
    }

    /** The usual initialization for layers followed by {@code activation}. */
    public static Init forActivation(Activation.Kind activation) {
        return activation == Activation.Kind.RELU ? HE : XAVIER;
    }
}
