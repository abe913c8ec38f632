package backprop.nn;

import backprop.internal.Names;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.Locale;
import java.util.random.RandomGenerator;

/** How a layer's weights and biases start. */
public enum Init {
    /**
     * PyTorch's default for {@code nn.Linear}: weights and biases uniform in ±1/sqrt(fan_in).
     * The default here too: it trains fastest in short runs, and it makes side-by-side
     * comparisons with PyTorch start from the same distribution.
     */
    PYTORCH,
    /** He et al. (2015), for ReLU: weights uniform in ±sqrt(6 / fan_in), biases 0. */
    HE,
    /** Glorot and Bengio (2010), for sigmoid and tanh: weights uniform in ±sqrt(6 / (fan_in + fan_out)), biases 0. */
    XAVIER;

    /**
     * {@return the lower-case name the command line and model.json use: {@code pytorch}, {@code he},
     * {@code xavier}}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The initialization named {@code id}.
     *
     * @param id a name as {@link #id()} gives it, in lower case
     * @return the initialization of that name
     * @throws IllegalArgumentException naming the choices, for any other name
     */
    public static Init of(String id) {
        return Names.lookup(values(), Init::id, id, "init");
    }

    /**
     * A weight matrix [out, in], drawn as this initialization says.
     *
     * @param rng the source, advanced by one draw per element
     * @param dtype FLOAT32 or FLOAT64
     * @param out the layer's output width (fan_out), &gt; 0
     * @param in the layer's input width (fan_in), &gt; 0
     * @return a new leaf [out, in] that does not require a gradient
     */
    public Tensor weight(RandomGenerator rng, DType dtype, int out, int in) {
        double bound = switch (this) {
            case PYTORCH -> 1 / Math.sqrt(in);
            case HE -> Math.sqrt(6.0 / in);
            case XAVIER -> Math.sqrt(6.0 / (in + out));
        };
        return Tensor.uniform(rng, -bound, bound, dtype, out, in);
    }

    /**
     * A bias vector [out] for a layer of {@code in} inputs.
     *
     * @param rng the source, advanced by one draw per element for {@link #PYTORCH}, untouched otherwise
     * @param dtype FLOAT32 or FLOAT64
     * @param out the layer's output width, &gt; 0
     * @param in the layer's input width (fan_in), &gt; 0
     * @return a new leaf [out] that does not require a gradient: zeros, except for {@link #PYTORCH}
     */
    public Tensor bias(RandomGenerator rng, DType dtype, int out, int in) {
        if (this != PYTORCH) {
            return Tensor.zeros(dtype, out);
        }
        double bound = 1 / Math.sqrt(in);
        return Tensor.uniform(rng, -bound, bound, dtype, out);
    }
}
