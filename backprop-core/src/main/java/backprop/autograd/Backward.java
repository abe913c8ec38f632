package backprop.autograd;

import backprop.internal.Arena;
import backprop.internal.Checks;
import backprop.internal.TensorHooks;
import backprop.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation: walks the tape from a scalar root back to the leaves, running
 * each backward rule once, in reverse topological order, and adds each contribution into the
 * gradients ({@code grad()}) of the leaves that require one and of the tensors that retain one.
 */
public final class Backward {
    private Backward() {}

    /**
     * Adds {@code d(root)/d(t)} into the gradient of every leaf {@code t} that requires one (and
     * of every tensor that retains one); frees the graph afterwards.
     *
     * @param root a one-element tensor that depends on at least one tensor requiring a gradient
     * @throws IllegalArgumentException if {@code root} has more than one element or depends on no
     *     tensor that requires a gradient; or if part of the graph was freed by an earlier pass
     * @throws AnomalyException while {@link AnomalyMode} is enabled, if a rule turns a finite
     *     gradient into a NaN or an infinity
     */
    public static void run(Tensor root) {
        run(root, false, BackwardListener.NONE);
    }

    /**
     * As {@link #run(Tensor)}, telling {@code listener} about each rule as it runs.
     *
     * @param root a one-element tensor that depends on at least one tensor requiring a gradient
     * @param listener called once per node, in the order the rules run
     */
    public static void run(Tensor root, BackwardListener listener) {
        run(root, false, listener);
    }

    /**
     * As {@link #run(Tensor)}, keeping the graph if asked and telling {@code listener} about each
     * rule as it runs.
     *
     * @param root a one-element tensor that depends on at least one tensor requiring a gradient
     * @param keepGraph keep the backward rules so that the graph can be differentiated again;
     *     otherwise a second backward pass through it is an error, not a silent double count
     * @param listener called once per node, in the order the rules run
     */
    public static void run(Tensor root, boolean keepGraph, BackwardListener listener) {
        if (root.size() != 1) {   // the shape is formatted only here: a training step calls this every time
            Checks.require(false, "backward: the output must be a scalar (one element); got shape %s; differentiate sum(...) instead",
                    Arrays.toString(root.shape()));
        }
        Checks.require(root.requiresGrad(),
                "backward: the output does not depend on any tensor that requires a gradient");
        PassState state = PassState.take();
        try {
            run(root, keepGraph, listener, state);
        } finally {
            state.release();
        }
    }

    private static void run(Tensor root, boolean keepGraph, BackwardListener listener, PassState state) {
        Map<Tensor, Tensor> pending = state.pending;
        pending.put(root, Tensor.onesLike(root));
        Map<Tensor, Integer> uses = state.uses;
        walk(root, state);
        List<Tensor> order = state.order;
        boolean direct = Arena.active() != null;   // inside a workspace step: leaf gradients go straight to their storage
        TensorHooks hooks = TensorHooks.get();
        try (var noGrad = GradMode.disabled()) {
            for (int k = order.size() - 1; k >= 0; k--) {
                Tensor t = order.get(k);
                Tensor grad = pending.remove(t);
                Node node = t.origin();
                if ((node == null || t.retainsGrad()) && grad != null) {   // null: written directly, below
                    hooks.accumulateGrad(t, grad);
                }
                if (node == null) {
                    continue;
                }
                List<Tensor> inputs = node.inputs();
                Tensor[] inputGrads = new Tensor[inputs.size()];
                for (int i = 0; i < inputs.size(); i++) {
                    Tensor input = inputs.get(i);
                    if (!input.requiresGrad()) {
                        continue;
                    }
                    Tensor g = direct ? writeDirectly(node, i, grad, input, uses, hooks) : null;
                    boolean written = g != null;
                    if (!written) {
                        g = node.gradient(i, grad).sumTo(input.shape())    // undo broadcasting, here only
                                .to(input.dtype());                        // a float32 weight met a float64 input
                    }
                    if (AnomalyMode.isEnabled() && !g.isFinite() && grad.isFinite()) {
                        throw new AnomalyException(node.op(), "the backward rule of operation '%s' produced a NaN or an infinity for its input %d from a finite gradient"
                                .formatted(node.op(), i + 1));
                    }
                    inputGrads[i] = g;
                    if (!written) {
                        pending.merge(input, g, Tensor::add);              // fan-out: contributions add up
                    }
                }
                if (!keepGraph) {
                    node.release();
                }
                if (listener != BackwardListener.NONE) {
                    listener.ruleRan(t, Collections.unmodifiableList(Arrays.asList(inputGrads)));
                }
            }
        }
    }

    /**
     * Writes the gradient of a leaf that this one rule alone feeds, and that has none yet, straight
     * into the leaf's own gradient storage, where it would otherwise be copied: a weight gradient
     * of a workspace step. With one contribution there is no sum whose order could change a bit.
     *
     * @return the leaf's gradient, now set; null when the rule cannot write it or the leaf does not qualify
     */
    private static Tensor writeDirectly(Node node, int i, Tensor grad, Tensor input, Map<Tensor, Integer> uses,
                                        TensorHooks hooks) {
        if (input.origin() != null || input.grad() != null || uses.get(input) != 1) {
            return null;
        }
        Tensor own = hooks.ownGrad(input);
        if (!node.gradientInto(i, grad, own)) {
            return null;
        }
        hooks.accumulateGrad(input, own);
        return own;
    }

    /**
     * Every tensor that requires a gradient and that {@code root} depends on, each after its
     * inputs. An explicit stack, never recursion: a 100,000-node chain must not overflow.
     *
     * @param root where the walk starts; it comes last
     * @return a new list, leaves first, each tensor once
     */

    public static List<Tensor> topologicalOrder(Tensor root) {
        PassState state = new PassState();
        walk(root, state);
        return state.order;
    }

    /**
     * Fills {@code state.order} as {@link #topologicalOrder} returns it, counting into
     * {@code state.uses} how many inputs of the graph's operations each tensor is (0 for the
     * root): a leaf used once gets one contribution.
     */
    private static void walk(Tensor root, PassState state) {
        Map<Tensor, Integer> uses = state.uses;
        ArrayDeque<Tensor> stack = state.stack;
        ArrayDeque<Integer> nextInput = state.nextInput;
        stack.push(root);
        nextInput.push(0);
        uses.put(root, 0);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int i = nextInput.pop();
            List<Tensor> inputs = t.origin() == null ? List.of() : t.origin().inputs();
            Tensor next = null;
            for (; i < inputs.size() && next == null; i++) {
                Tensor input = inputs.get(i);
                if (input.requiresGrad() && uses.merge(input, 1, Integer::sum) == 1) {
                    next = input;                                     // first seen: visit it before t
                }
            }
            if (next != null) {
                nextInput.push(i);
                stack.push(next);
                nextInput.push(0);
            } else {
                stack.pop();
                state.order.add(t);
            }
        }
    }
}
