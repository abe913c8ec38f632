/**
 * The numeric loops: GEMM and friends behind the {@link backprop.kernels.Kernels} interface.
 * The only package that knows about threads and SIMD. Uses the JDK only.
 */
package backprop.kernels;
