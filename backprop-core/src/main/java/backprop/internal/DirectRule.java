package backprop.internal;

import backprop.autograd.BackwardRule;
import backprop.tensor.Tensor;

/**
 * A backward rule that can also write an input's gradient straight into storage the engine
 * hands it: a leaf's own gradient inside a workspace step, so that a weight gradient is not
 * computed into a new tensor and then copied. The linear layers' rules are the ones that matter.
 */
public interface DirectRule extends BackwardRule {
    /**
     * Overwrites {@code dst} with {@code gradient(input, gradOfOutput)} when that is exactly of
     * {@code dst}'s shape and dtype, with the same bits; otherwise writes nothing.
     *
     * @param input which input of the operation, counting from 0
     * @param gradOfOutput the gradient with respect to the operation's output
     * @param dst storage of the input's shape and dtype, whose contents are to be replaced
     * @return whether {@code dst} now holds the gradient; false sends the engine to {@link #gradient}
     */
    boolean gradientInto(int input, Tensor gradOfOutput, Tensor dst);
}
