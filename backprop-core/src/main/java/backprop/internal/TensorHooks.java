package backprop.internal;

import backprop.autograd.Node;
import backprop.tensor.Tensor;

/**
 * The places where the tape writes into a tensor: the operation that made a fresh result,
 * and the gradient a backward pass adds. They are engine business, so they are not methods of
 * {@link Tensor}'s public API; {@code Tensor} installs its implementation here when its class
 * is initialized (as the JDK's SharedSecrets do), and {@code backprop.autograd} calls it.
 */
public interface TensorHooks {

    /** Sets the node that made the fresh result {@code out}. */
    void attachOrigin(Tensor out, Node node);

    /**
     * Adds {@code g} into {@code t.grad()}. Inside a workspace step a leaf's gradient is kept in
     * {@link #ownGrad(Tensor)}; {@code g} may be that storage itself, already written.
     */
    void accumulateGrad(Tensor t, Tensor g);

    /** The storage for {@code t.grad()} that only {@code t} hands out, made (zeros) on first use. */
    Tensor ownGrad(Tensor t);

    /** The hooks {@code Tensor} installed. */
    static TensorHooks get() {
        return Holder.hooks;
    }

    /** Called once, by {@code Tensor}'s static initializer. */
    static void install(TensorHooks hooks) {
        Checks.requireState(Holder.hooks == null, "bug: tensor hooks installed twice");
        Holder.hooks = hooks;
    }

    /** Every caller holds a tensor, so Tensor's initializer has run before the first get(). */
    final class Holder {
        private static TensorHooks hooks;

        private Holder() {}
    }
}
