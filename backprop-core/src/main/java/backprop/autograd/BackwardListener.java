package backprop.autograd;

import backprop.tensor.Tensor;
import java.util.List;

/** Sees each backward rule as it runs: for finding the first rule that produced a non-finite value. */
@FunctionalInterface
public interface BackwardListener {
    /** Ignores every rule. */
    BackwardListener NONE = (output, inputGradients) -> { };

    /**
     * Called after the rules of {@code output}'s node ran, in the order backpropagation runs them.
     * {@code inputGradients} has one entry per input of the node, {@code null} where the input
     * needs no gradient; each entry already has its input's shape.
     *
     * @param output the tensor whose node's rules ran
     * @param inputGradients the gradients those rules produced, read-only
     */

    void ruleRan(Tensor output, List<Tensor> inputGradients);
}
