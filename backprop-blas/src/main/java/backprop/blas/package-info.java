/**
 * Kernels on OpenBLAS: {@link backprop.blas.BlasKernels} registers itself with
 * {@link java.util.ServiceLoader} for {@link backprop.kernels.Kernels}, so putting this jar on the
 * classpath is all it takes. Uses core and org.bytedeco:openblas (natives for linux-x86_64).
 */
package backprop.blas;
