/**
 * The numeric loops: GEMM and friends behind the {@link backprop.kernels.Kernels} interface.
 * The only package that knows about threads and SIMD. Uses the JDK only: the Vector API's incubator
 * module ({@code jdk.incubator.vector}) when the JVM was started with it, never requiring it.
 */
package backprop.kernels;
