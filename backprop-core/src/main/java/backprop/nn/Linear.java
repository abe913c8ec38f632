package backprop.nn;

import backprop.internal.Checks;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.random.RandomGenerator;

/** The affine map {@code y = x W^T + b} for inputs x of shape [batch, in]: one fused operation. */
public final class Linear extends Module {
    private final Parameter weight;   // [out, in], PyTorch's layout
    private final Parameter bias;     // [out]

    /** A float32 layer with PyTorch's default initialization. */
    public Linear(int in, int out, RandomGenerator rng) {
        this(in, out, Init.PYTORCH, DType.FLOAT32, rng);
    }

    public Linear(int in, int out, Init init, DType dtype, RandomGenerator rng) {
        Checks.require(in > 0 && out > 0, "Linear: sizes must be positive; got %d -> %d", in, out);
        this.weight = parameter("weight", init.weight(rng, dtype, out, in));
        this.bias = parameter("bias", init.bias(rng, dtype, out, in));
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.linear(weight, bias);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return weight.dim(1);
    }

    public int outFeatures() {
        return weight.dim(0);
    }
}
