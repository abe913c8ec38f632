package backprop.nn;

import backprop.tensor.Tensor;

/** tanh(x) of every element, as a module without parameters; its backward rule is 1 - tanh^2. */
public final class Tanh extends Module {

    /** The module; it has no configuration. */
    public Tanh() {}

    /** The activation of every element; the shape is kept. */
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
