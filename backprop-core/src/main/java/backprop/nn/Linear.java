package backprop.nn;

import backprop.Random;
import backprop.internal.Checks;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * The affine map {@code y = x W^T + b} for inputs x of shape [batch, in], as PyTorch's
 * {@code nn.Linear}: one fused operation. The parameters are {@code weight} [out, in] (PyTorch's
 * layout) and {@code bias} [out].
 */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;   // null without a bias

    /** A layer with a bias, PyTorch's default initialization drawn from {@link Random#generator()}, in the default dtype. */
    public Linear(int in, int out) {
        this(in, out, true);
    }

    /** As {@link #Linear(int, int)}, with or without the bias. */
    public Linear(int in, int out, boolean bias) {
        this(in, out, bias, Init.PYTORCH, Tensor.defaultDType(), Random.generator());
    }

    /** A layer with a bias, its weights and bias drawn by {@code init} from {@code rng}. */
    public Linear(int in, int out, Init init, DType dtype, RandomGenerator rng) {
        this(in, out, true, init, dtype, rng);
    }

    /**
     * The general form: every other constructor calls it.
     *
     * @throws IllegalArgumentException unless both sizes are positive and dtype is floating-point
     */
    public Linear(int in, int out, boolean bias, Init init, DType dtype, RandomGenerator rng) {
        Checks.require(in > 0 && out > 0, "Linear: sizes must be positive; got %d -> %d", in, out);
        Checks.require(dtype.isFloatingPoint(), "Linear: needs a floating-point dtype; got %s", dtype);
        this.weight = parameter("weight", init.weight(rng, dtype, out, in));
        this.bias = bias ? parameter("bias", init.bias(rng, dtype, out, in)) : null;
    }

    /** {@code x W^T + b}: x [n, in] to [n, out]. */
    @Override
    public Tensor forward(Tensor x) {
        return x.linear(weight, bias);
    }

    /** The weight matrix [out, in]. */
    public Parameter weight() {
        return weight;
    }

    /** The bias [out], or null for a layer made without one. */
    public Parameter bias() {
        return bias;
    }

    /** The width of the inputs. */
    public int inFeatures() {
        return weight.dim(1);
    }

    /** The width of the outputs. */
    public int outFeatures() {
        return weight.dim(0);
    }

    @Override
    protected String extraRepr() {
        return "in_features=%d, out_features=%d, bias=%b".formatted(inFeatures(), outFeatures(), bias != null);
    }
}
