package backprop.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A narrow, deep A B^T (a narrow layer's forward pass) as dot products, in one order defined here,
 * bit for bit: each lane of a vector is its own chain of fused multiply-adds over k = lane, lane + L,
 * ...; the lanes are then added in order, the last k mod L products follow one at a time, and beta
 * C is added last. The same bits for any thread count, and before and after the JIT compiles it.
 */
class DotProductKernelTest {

    @ParameterizedTest(name = "m={0} n={1} k={2} beta={3} threads={4}")
    @CsvSource({
        "128, 10, 784, 0, 1", "128, 10, 784, 0, 2", "128, 10, 784, 0.5, 1", "5, 15, 300, 1, 1", "7, 3, 257, -0.75, 2",
        "1, 1, 256, 0, 1", "9, 14, 1000, 0, 2", "64, 1, 784, 1, 2", "130, 11, 263, 0, 2",
    })
    void everyElementIsItsLanesChainsThenTheRestThenBetaC(int m, int n, int k, float beta, int threads) {
        assumeTrue(JavaKernels.VECTOR, "the Vector API's kernel");
        assumeTrue(JavaKernels.leadOnNarrow(false, false, true, n, k), "the dot products take such shapes here (512-bit vectors)");
        SplittableRandom random = new SplittableRandom(31L * m + n + 7L * k);
        float[] a = JavaKernelsTest.randomFloats(random, m * k);
        float[] b = JavaKernelsTest.randomFloats(random, n * k);
        float[] c = JavaKernelsTest.randomFloats(random, m * n);
        float[] expected = expected(m, n, k, a, b, beta, c);
        JavaKernels kernels = JavaKernels.splittingAll();
        kernels.setThreads(threads);

        kernels.sgemm(false, true, m, n, k, a, b, beta, c);

        assertThat(c).isEqualTo(expected);
    }

    /** The interpreter, C1 and C2 all run the kernel in turn here: its bits never change. */
    @Test
    void theBitsDoNotChangeAsTheJitCompilesTheKernel() {
        assumeTrue(JavaKernels.VECTOR, "the Vector API's kernel");
        int m = 8;
        int n = 10;
        int k = 300;
        SplittableRandom random = new SplittableRandom(5);
        float[] a = JavaKernelsTest.randomFloats(random, m * k);
        float[] b = JavaKernelsTest.randomFloats(random, n * k);
        float[] expected = expected(m, n, k, a, b, 0f, new float[m * n]);
        float[] c = new float[m * n];
        for (int rep = 0; rep < 20_000; rep++) {
            DotProductKernel.multiply(n, k, a, b, 0f, c, 0, m, 0, n);
            if (rep % 1000 == 0 || rep == 19_999) {
                assertThat(c).as("call %d", rep).isEqualTo(expected);
            }
        }
    }

    private static float[] expected(int m, int n, int k, float[] a, float[] b, float beta, float[] c) {
        int lanes = DotProductKernel.lanes();
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float[] chains = new float[lanes];
                int whole = k / lanes * lanes;
                for (int q = 0; q < whole; q++) {
                    chains[q % lanes] = Math.fma(a[i * k + q], b[j * k + q], chains[q % lanes]);
                }
                float s = 0f;
                for (float chain : chains) {
                    s += chain;
                }
                for (int q = whole; q < k; q++) {
                    s = Math.fma(a[i * k + q], b[j * k + q], s);
                }
                float old = c[i * n + j];
                out[i * n + j] = beta == 0 ? s : s + (beta == 1 ? old : beta * old);
            }
        }
        return out;
    }
}
