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

    /** A parameter holding a copy of {@code initialValue}. */
    public static Parameter of(Tensor initialValue) {
        return new Parameter(initialValue.copy());
    }

    /** Parameters always require a gradient; marking one otherwise is a mistake. */
    @Override
    public Tensor requiresGrad(boolean value) {
        Checks.require(value, "requiresGrad: a Parameter always requires a gradient; use detach() for a constant copy");
        return this;
    }

    /** Overwrites the values with those of {@code source} (same shape; converted to this dtype). */
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
