package backprop.autograd;

import backprop.internal.Arena;
import backprop.internal.Checks;

/**
 * Memory reused from one training step to the next, opted into by a training loop: a step that
 * runs inside {@link #step()} allocates (almost) nothing once the first step has run.
 *
 * <pre>{@code
 * Workspace workspace = new Workspace();
 * for (...) {
 *     try (var step = workspace.step()) {
 *         optimizer.zeroGrad();
 *         Tensor loss = Loss.crossEntropy(model.forward(x), labels);
 *         loss.backward();
 *         optimizer.step();
 *         lossValue = loss.item();
 *     }
 * }
 * }</pre>
 *
 * <p>While a step is open on a thread, the results of the library's operations on that thread
 * (the forward pass, the loss, the backward pass's intermediate gradients) take their storage from
 * the workspace, and the next step of the same workspace overwrites it. So every tensor computed
 * inside a step, and every view of one ({@link backprop.tensor.Tensor#detach()},
 * {@link backprop.tensor.Tensor#reshape}), is valid until the workspace's next step begins: read
 * what is needed (a loss value, a prediction) before then, or {@link backprop.tensor.Tensor#copy()}
 * it. Tensors made by factories ({@code Tensor.zeros}, {@code Tensor.wrap}) and tensors computed
 * outside a step are not affected.
 *
 * <p>The gradient that a backward pass inside a step leaves in a leaf's
 * {@link backprop.tensor.Tensor#grad()} is kept in storage the leaf owns, reused by the next step
 * after {@link backprop.tensor.Tensor#zeroGrad()}: the gradient tensor read in one step is
 * overwritten by the next step's backward pass, as PyTorch's {@code zero_grad(set_to_none=False)}
 * does. Without a {@code zeroGrad()} the next pass adds into it, as outside a workspace.
 * Numbers are the same, bit for bit, with or without a workspace.
 *
 * <p>The memory held is one step's worth of results (the forward activations and the backward
 * pass's intermediates) until the workspace is no longer referenced. A workspace belongs to one
 * thread at a time.
 */
public final class Workspace {
    private final Arena arena = new Arena();
    private boolean open;

    /** A workspace that holds nothing until its first step. */
    public Workspace() {}

    /**
     * Opens the next step on this thread: the results of the previous step's operations may be
     * overwritten from now on. Steps of different workspaces nest; the innermost is used.
     *
     * @return the scope, for try-with-resources; closing it ends the step (its results stay valid
     *     until the next step opens)
     * @throws IllegalStateException if a step of this workspace is already open
     */
    public GradMode.Scope step() {
        Checks.requireState(!open, "workspace: a step is already open; close it before the next one");
        open = true;
        Arena previous = arena.begin();
        return () -> {
            open = false;
            Arena.restore(previous);
        };
    }
}
