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

    /**
     * A layer with a bias, PyTorch's default initialization drawn from {@link Random#generator()}, in
     * the default dtype: {@code torch.nn.Linear(in, out)}.
     *
     * @param in the width of the inputs, &gt; 0
     * @param out the width of the outputs, &gt; 0
     * @throws IllegalArgumentException unless both sizes are positive
     */
    public Linear(int in, int out) {
        this(in, out, true);
    }

    /**
     * As {@link #Linear(int, int)}, with or without the bias.
     *
     * @param in the width of the inputs, &gt; 0
     * @param out the width of the outputs, &gt; 0
     * @param bias false for {@code x W^T} alone, as PyTorch's {@code bias=False}
     * @throws IllegalArgumentException unless both sizes are positive
     */
    public Linear(int in, int out, boolean bias) {
        this(in, out, bias, Init.PYTORCH, Tensor.defaultDType(), Random.generator());
    }

    /**
     * A layer with a bias, its weights and bias drawn by {@code init} from {@code rng}.
     *
     * @param in the width of the inputs, &gt; 0
     * @param out the width of the outputs, &gt; 0
     * @param init how the weights and the bias start
     * @param dtype FLOAT32 or FLOAT64, the parameters' dtype
     * @param rng the source of the initial values, advanced by every draw
     * @throws IllegalArgumentException unless both sizes are positive and dtype is floating-point
     */
    public Linear(int in, int out, Init init, DType dtype, RandomGenerator rng) {
        this(in, out, true, init, dtype, rng);
    }

    /**
     * The general form: every other constructor calls it.
     *
     * @param in the width of the inputs, &gt; 0
     * @param out the width of the outputs, &gt; 0
     * @param bias false for {@code x W^T} alone
     * @param init how the weights and the bias start
     * @param dtype FLOAT32 or FLOAT64, the parameters' dtype
     * @param rng the source of the initial values, advanced by every draw
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

    /** {@return the weight matrix [out, in], registered as {@code weight}} */
    public Parameter weight() {
        return weight;
    }

    /** {@return the bias [out], registered as {@code bias}, or null for a layer made without one} */
    public Parameter bias() {
        return bias;
    }

    /** {@return the width of the inputs, PyTorch's {@code in_features}} */
    public int inFeatures() {
        return weight.dim(1);
    }

    /** {@return the width of the outputs, PyTorch's {@code out_features}} */
    public int outFeatures() {
        return weight.dim(0);
    }

    @Override
    protected String extraRepr() {
        return "in_features=%d, out_features=%d, bias=%b".formatted(inFeatures(), outFeatures(), bias != null);
    }
}
