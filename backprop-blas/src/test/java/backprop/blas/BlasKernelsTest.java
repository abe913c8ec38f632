package backprop.blas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import backprop.kernels.Kernels;
import backprop.kernels.KernelsContract;
import org.junit.jupiter.api.Test;

/** OpenBLAS against the contract every implementation keeps, and its registration. */
class BlasKernelsTest extends KernelsContract {

    @Override
    protected Kernels kernels() {
        return new BlasKernels();
    }

    /** Without the Vector API the Java micro-kernel runs at half the speed, so OpenBLAS does the work. */
    @Test
    void openBlasLoadsAndIsChosenWithoutTheVectorApi() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty(), "KernelChoiceWithVectorApi covers the other case");
        assertThat(BlasKernels.available()).as("OpenBLAS natives loaded").isTrue();
        assertThat(Kernels.get().name()).isEqualTo("openblas");
    }
}
