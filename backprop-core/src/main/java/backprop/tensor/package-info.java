/**
 * Tensors and their operations. Every differentiable operation computes its forward result and
 * records its backward rule beside it ({@code Elementwise}, {@code Reductions},
 * {@code LinearAlgebra}, {@code Movement}), through {@link backprop.autograd.Node#record}.
 * Uses {@code backprop.autograd} (the tape) and {@code backprop.kernels} (the loops).
 */
package backprop.tensor;
