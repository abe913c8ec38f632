package backprop.autograd;

import backprop.tensor.Tensor;

/**
 * How an operation's output gradient reaches one of its inputs: the vector-Jacobian product
 * {@code gradOfOutput * d(output)/d(input)}.
 *
 * <p>The engine calls it only for the inputs that need a gradient, so a rule never computes
 * what nobody asked for (the exponent's derivative of {@code x^2}, the gradient of a matmul's
 * data operand). The result may have the broadcast shape of the operation; the engine sums it
 * back to the input's shape.
 */
@FunctionalInterface
public interface BackwardRule {
    /**
     * @param input which input of the operation, counting from 0
     * @param gradOfOutput the gradient of the final output with respect to this operation's
     *     output, in the output's shape
     * @return that input's share: {@code gradOfOutput * d(output)/d(input)}, in the input's shape
     *     or the operation's broadcast shape
     */
    Tensor gradient(int input, Tensor gradOfOutput);

}
