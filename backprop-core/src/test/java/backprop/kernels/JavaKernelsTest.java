package backprop.kernels;

/** The pure-Java kernels against the contract every implementation keeps. */
class JavaKernelsTest extends KernelsContract {

    @Override
    protected Kernels kernels() {
        return new JavaKernels();
    }
}
