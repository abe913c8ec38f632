/**
 * The tape: {@link backprop.autograd.Node} records an operation, {@link backprop.autograd.Backward}
 * walks the graph in reverse topological order without recursion, {@link backprop.autograd.GradMode}
 * scopes recording, {@link backprop.autograd.GradCheck} checks it all against finite differences.
 * Shares exactly two engine hooks with {@code backprop.tensor}: {@code Tensor.attachOrigin} and
 * {@code Tensor.accumulateGrad}.
 */
package backprop.autograd;
