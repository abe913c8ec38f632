package backprop.autograd;

import backprop.internal.Checks;
import backprop.internal.DirectRule;
import backprop.internal.TensorHooks;
import backprop.tensor.Tensor;
import java.util.List;

/**
 * The record of one operation on the tape: its name, its inputs and its backward rule.
 * A tensor made by an operation remembers its node ({@link Tensor#origin()}); leaves have none.
 */
public final class Node {
    private final String op;
    private final List<Tensor> inputs;
    private BackwardRule rule;

    private Node(String op, List<Tensor> inputs, BackwardRule rule) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
    }

    /**
     * Makes {@code out} remember how it was computed, when recording is on and some input
     * requires a gradient; otherwise returns {@code out} untouched. This is the one way to make
     * an operation differentiable, inside this library or outside it.
     *
     * @param op the operation's name, for messages and drawings
     * @param out the operation's result, computed with recording off or on
     * @param inputs the tensors the result depends on, in the order {@code rule} numbers them
     * @param rule the vector-Jacobian product for each input
     * @return {@code out} itself
     * @throws AnomalyException while {@link AnomalyMode} is enabled, if {@code out} holds a NaN or
     *     an infinity and every input is finite
     */
    public static Tensor record(String op, Tensor out, List<Tensor> inputs, BackwardRule rule) {
        if (!GradMode.isEnabled()) {
            return out;   // backward rules run here too: Backward checks what they produce
        }
        if (AnomalyMode.isEnabled() && !out.isFinite() && inputs.stream().allMatch(Tensor::isFinite)) {
            throw new AnomalyException(op, "operation '%s' produced a NaN or an infinity from finite inputs in the forward pass"
                    .formatted(op));
        }
        for (Tensor input : inputs) {
            if (input.requiresGrad()) {
                TensorHooks.get().attachOrigin(out, new Node(op, List.copyOf(inputs), rule));
                return out;
            }
        }
        return out;
    }

    /** {@return the operation's name ({@code "mul"}, {@code "cross_entropy"}), as drawings and messages show it} */

    public String op() {
        return op;
    }

    /**
     * @return the operation's inputs, in the order its backward rule numbers them; read-only
     */
    public List<Tensor> inputs() {

        return inputs;
    }

    Tensor gradient(int input, Tensor gradOfOutput) {
        Checks.requireState(rule != null,
                "backward: the graph through '%s' was already used by a backward pass and freed; call backward(true) the first time to keep it",
                op);
        return rule.gradient(input, gradOfOutput);
    }

    /**
     * As {@link #gradient}, written into {@code dst} when the rule can do so exactly
     * ({@link DirectRule}); false, with {@code dst} untouched, when it cannot.
     */
    boolean gradientInto(int input, Tensor gradOfOutput, Tensor dst) {
        return rule instanceof DirectRule direct && direct.gradientInto(input, gradOfOutput, dst);
    }

    /** Drops the backward rule (and with it the saved tensors it captured). */
    void release() {
        rule = null;
    }

    @Override
    public String toString() {
        return op;
    }
}
