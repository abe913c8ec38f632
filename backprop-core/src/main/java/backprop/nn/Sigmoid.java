package backprop.nn;

import backprop.tensor.Tensor;

/** 1 / (1 + exp(-x)) of every element, as a module without parameters; its backward rule is the closed form s (1 - s). */
public final class Sigmoid extends Module {

    /** The module; it has no configuration. */
    public Sigmoid() {}

    /** The activation of every element; the shape is kept. */
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
