/**
 * The tape: {@link backprop.autograd.Node} records an operation, {@link backprop.autograd.Backward}
 * walks the graph in reverse topological order without recursion, {@link backprop.autograd.GradMode}
 * scopes recording, {@link backprop.autograd.GradCheck} checks it all against finite differences.
 * Writes into tensors through exactly two engine hooks, {@code backprop.internal.TensorHooks}
 * (attach an origin, add a gradient), which are not part of the public API.
 */
package backprop.autograd;
