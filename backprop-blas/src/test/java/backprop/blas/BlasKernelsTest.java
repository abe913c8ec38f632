package backprop.blas;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.kernels.Kernels;
import backprop.kernels.KernelsContract;
import org.junit.jupiter.api.Test;

/** OpenBLAS against the contract every implementation keeps, and its registration. */
class BlasKernelsTest extends KernelsContract {

    @Override
    protected Kernels kernels() {
        return new BlasKernels();
    }

    @Test
    void openBlasLoadsAndIsChosen() {
        assertThat(BlasKernels.available()).as("OpenBLAS natives loaded").isTrue();
        assertThat(Kernels.get().name()).isEqualTo("openblas");
    }
}
