package backprop.blas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import backprop.kernels.Kernels;
import org.junit.jupiter.api.Test;

/**
 * With the Vector API (as bin/backprop's train runs), the Java micro-kernel does the products and
 * splits them over threads we own; OpenBLAS, on one thread, takes only the narrow and shallow ones
 * that the Java dot-product kernel does not.
 * Run by its own surefire execution, in a JVM started with {@code --add-modules jdk.incubator.vector}.
 */
class KernelChoiceWithVectorApi {

    @Test
    void theJavaKernelsLeadAndOpenBlasTakesTheNarrowProducts() {
        assumeTrue(Boolean.getBoolean("backprop.test.vectorApi"), "run by the pom's with-vector-api execution");
        assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).as("this JVM has the Vector API").isPresent();
        assertThat(Kernels.get().name()).isEqualTo("java-vector");
        assertThat(Kernels.forShape(false, false, true, 128, 256, 784).name()).isEqualTo("java-vector");
        Kernels narrow = Kernels.forShape(false, false, true, 128, 10, 128);
        assertThat(narrow.name()).as("a narrow product of depth 128").isEqualTo("openblas");
        assertThat(narrow.threads()).as("OpenBLAS never runs its own thread server beside our pool").isEqualTo(1);
        assertThat(Kernels.forShape(false, false, true, 128, 10, 784).name())
                .as("x W^T of a narrow layer on wide inputs: the Java dot products").isEqualTo("java-vector");
        assertThat(Kernels.forShape(true, false, true, 128, 10, 784).name()).as("the same in float64").isEqualTo("openblas");
        assertThat(Kernels.forShape(false, false, false, 128, 10, 784).name()).as("narrow, not A B^T").isEqualTo("openblas");
        assertThat(Kernels.forShape(false, false, false, 128, 128, 10).name()).as("a shallow product").isEqualTo("openblas");
        assertThat(Kernels.forShape(false, false, false, 4, 10, 8).name()).as("a tiny product stays in Java").isEqualTo("java-vector");
    }
}
