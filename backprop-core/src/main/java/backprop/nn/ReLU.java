package backprop.nn;

import backprop.tensor.Tensor;

/** max(x, 0) of every element, with gradient 0 at 0, as a module without parameters. */
public final class ReLU extends Module {

    /** The module; it has no configuration. */
    public ReLU() {}

    /** The activation of every element; the shape is kept. */
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
