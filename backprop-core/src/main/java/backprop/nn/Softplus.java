package backprop.nn;

import backprop.tensor.Tensor;

/** log(1 + exp(x)) of every element, computed stably, as a module without parameters; its derivative is sigmoid(x). */
public final class Softplus extends Module {

    /** The module; it has no configuration. */
    public Softplus() {}

    /** The activation of every element; the shape is kept. */
    @Override
    public Tensor forward(Tensor x) {
        return x.softplus();
    }
}
