/**
 * GEMM on OpenBLAS for backprop4j, found by backprop.core through {@link java.util.ServiceLoader}:
 * putting this module on the module path, or this jar on the classpath, is all it takes. Exports
 * nothing; it only provides the kernels service.
 *
 * <p>The OpenBLAS natives for linux-x86_64 come with it. On the module path JavaCPP finds them only
 * when their module is resolved too ({@code --add-modules org.bytedeco.openblas.linux.x86_64});
 * without them the pure-Java kernels do the work, after one line on standard error.
 */
module backprop.blas {
    requires backprop.core;
    requires org.bytedeco.openblas;

    provides backprop.kernels.Kernels with backprop.blas.BlasKernels;
}
