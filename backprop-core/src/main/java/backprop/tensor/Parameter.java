package backprop.tensor;

import backprop.autograd.GradMode;
import backprop.internal.Checks;

/**
 * A tensor that training changes: a weight or a bias. Always a leaf that requires a gradient.
 * Optimizers update it in place, under {@link GradMode#disabled()}, through
 * {@link #floatData()}/{@link #doubleData()} or {@link #copyFrom(Tensor)}.
 */
public final class Parameter extends Tensor {

    private Parameter(Tensor ownData) {
        super(ownData);
        super.requiresGrad(true);
    }

    /**
     * A parameter holding a copy of {@code initialValue}, as {@code torch.nn.Parameter(t.clone())}.
     *
     * @param initialValue a floating-point tensor of any shape; copied, so later changes to either
     *     do not reach the other
     * @return a new leaf of that shape and dtype that requires a gradient
     * @throws IllegalArgumentException for an INT64 tensor
     */
    public static Parameter of(Tensor initialValue) {
        return new Parameter(initialValue.copy());
    }

    /**
     * Parameters always require a gradient; marking one otherwise is a mistake.
     *
     * @param value must be true
     * @return this parameter
     * @throws IllegalArgumentException for false
     */
    @Override
    public Tensor requiresGrad(boolean value) {
        Checks.require(value, "requiresGrad: a Parameter always requires a gradient; use detach() for a constant copy");
        return this;
    }

    /**
     * Overwrites the values with those of {@code source} (same shape; converted to this dtype), in
     * place: the gradient and the optimizer's state for this parameter are kept.
     *
     * @param source a tensor of this parameter's shape, any dtype; float32 rounds float64 values
     * @throws IllegalArgumentException if the shapes differ
     * @throws IllegalStateException while gradients are recorded: call it inside
     *     {@link GradMode#disabled()}
     */
    public void copyFrom(Tensor source) {
        Checks.require(java.util.Arrays.equals(shape(), source.shape()),
                "copyFrom: shapes must agree; got %s into %s", source.shape(), shape());
        Checks.requireState(!GradMode.isEnabled(),
                "copyFrom: changing a parameter while gradients are recorded would corrupt the graph; do it inside GradMode.disabled()");
        for (int i = 0; i < size(); i++) {
            setFlat(i, source.getFlat(i));
        }
    }
}
