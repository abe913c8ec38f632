package backprop.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure-Java kernels against the contract every implementation keeps. */
class JavaKernelsTest extends KernelsContract {

    @Override
    protected Kernels kernels() {
        return JavaKernels.splittingAll();   // at two threads every product that can be split is
    }

    /** The build runs these tests with and without the Vector API module, and says which (core's pom). */
    @Test
    void theVectorMicroKernelIsUsedExactlyWhenTheJvmHasTheModule() {
        String expected = System.getProperty("backprop.test.vectorApi");
        assumeTrue(expected != null, "run by Maven, which sets backprop.test.vectorApi");
        assertThat(JavaKernels.VECTOR).isEqualTo(Boolean.parseBoolean(expected) && JavaKernels.FMA);
        assertThat(new JavaKernels().name()).isEqualTo(JavaKernels.VECTOR ? "java-vector" : "java");
    }

    /**
     * Every element of C is beta C + a[0] b[0] + a[1] b[1] + ..., one fused multiply-add at a time
     * in order of k, whichever micro-kernel and column split computed it: the Vector API and the
     * plain loop, and any thread count, agree bit for bit. (Except the dot products of a narrow,
     * deep A B^T, whose order {@link DotProductKernelTest} holds.)
     */
    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4} beta={5} threads={6}")
    @CsvSource({
        "1, 1, 1, false, false, 0, 1", "4, 64, 1, false, true, 1, 1", "6, 63, 3, true, false, 0.5, 1",
        "9, 65, 2, true, true, 0, 2", "5, 127, 300, false, true, -0.75, 1", "13, 600, 257, false, false, 1, 2",
        "128, 256, 784, false, true, 0, 1", "128, 256, 784, false, true, 0, 2", "256, 784, 128, true, false, 1, 2",
        "128, 10, 128, false, true, 0, 1", "100, 130, 3, false, false, 0, 2",
        "128, 10, 200, false, true, 0, 2", "128, 10, 200, false, true, 0.5, 1", "37, 3, 50, true, false, 1, 1",
        "20, 15, 9, true, true, -1, 2", "16, 15, 33, false, false, 0, 1",
        "10, 784, 128, true, false, 0, 1", "10, 784, 128, true, false, 0, 2", "10, 128, 32, true, false, 1, 1",
        "16, 100, 7, true, false, 0.5, 1", "3, 200, 1, true, false, -0.5, 2", "16, 8, 4096, true, false, 0, 2",
        // few rows of A^T B (OuterProductKernel): 4-, 2- and 1-row blocks, vector and element tails, k across its passes
        "17, 784, 128, true, false, 0, 2", "10, 100, 600, true, false, 0.5, 1", "5, 50, 0, true, false, 0.5, 1",
        // few rows of A B^T (FewRowsKernel): rows about one and two vectors, columns about eight (33 x 10:
        // too few for it), k across its blocks (1,024 deep at 64 rows), split by columns and by rows
        "32, 256, 784, false, true, 0, 1", "32, 256, 784, false, true, 0, 2", "32, 128, 256, false, true, 1, 2",
        "1, 19, 5, false, true, 0, 1", "15, 21, 40, false, true, 1, 1", "16, 16, 17, false, true, -0.75, 1",
        "17, 23, 64, false, true, 0, 2", "31, 255, 33, false, true, 0.5, 2", "33, 10, 128, false, true, 0, 1",
        "48, 40, 100, false, true, 1, 1", "63, 17, 2, false, true, 0, 1", "64, 33, 2100, false, true, 0.5, 1",
        "64, 300, 1030, false, true, 0, 2", "65, 70, 90, false, true, 1, 2", "6, 1000, 20, false, true, 0, 2",
        "40, 18, 3000, false, true, 0, 2", "100, 30, 200, false, true, 0.5, 2",
    })
    void sgemmIsTheFusedMultiplyAddChainBitForBit(int m, int n, int k, boolean transA, boolean transB, float beta,
            int threads) {
        assumeTrue(JavaKernels.FMA, "without hardware FMA the kernels multiply and add separately");
        assumeFalse(JavaKernels.leadOnNarrow(false, transA, transB, n, k), "a dot-product shape: DotProductKernelTest");
        SplittableRandom random = new SplittableRandom(17L * m + n + 5L * k);
        float[] a = randomFloats(random, m * k);
        float[] b = randomFloats(random, k * n);
        float[] c = randomFloats(random, m * n);
        float[] expected = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = beta == 0 ? 0f : beta == 1 ? c[i * n + j] : c[i * n + j] * beta;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(transA ? a[p * m + i] : a[i * k + p], transB ? b[j * k + p] : b[p * n + j], s);
                }
                expected[i * n + j] = s;
            }
        }
        Kernels kernels = kernels();
        kernels.setThreads(threads);

        kernels.sgemm(transA, transB, m, n, k, a, b, beta, c);

        assertThat(c).isEqualTo(expected);
    }

    static float[] randomFloats(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }

    /**
     * At the default setting a product big enough to split goes through its shape's plan, and
     * its bits do not depend on what the trials choose.
     */
    @Test
    void theDefaultKernelsAskThePlanAndKeepTheBits() {
        SplitChoice choice = new SplitChoice(new SplitChoice.Clock() {   // a JIT that never compiles: trials run
            @Override
            public long compileMillis() {
                return 0;
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        });
        JavaKernels kernels = JavaKernels.measuring(() -> choice);
        kernels.setThreads(2);
        int m = 128;
        int n = 256;
        int k = 128;   // 4.2M multiply-adds: two parts
        SplittableRandom random = new SplittableRandom(3);
        float[] a = randomFloats(random, m * k);
        float[] b = randomFloats(random, k * n);
        float[] first = new float[m * n];
        kernels.sgemm(false, false, m, n, k, a, b, 0, first);
        for (int call = 2; call <= 60; call++) {
            float[] c = new float[m * n];
            kernels.sgemm(false, false, m, n, k, a, b, 0, c);
            assertThat(c).as("call %d", call).isEqualTo(first);
        }
        assertThat(choice.plan(false, false, false, m, n, k).calls()).isEqualTo(60);
    }

    /** Element-wise work is cut into ranges that cover every index once, split or not. */
    @ParameterizedTest(name = "length={0} threads={1}")
    @CsvSource({"0, 2", "1, 2", "65535, 2", "65536, 2", "200704, 2", "200704, 1", "1000003, 3"})
    void forRangesCoversEveryIndexOnce(int length, int threads) {
        JavaKernels kernels = JavaKernels.splittingAll();
        kernels.setThreads(threads);
        java.util.concurrent.atomic.AtomicIntegerArray seen = new java.util.concurrent.atomic.AtomicIntegerArray(length);
        kernels.forRanges(length, (from, to) -> {
            for (int i = from; i < to; i++) {
                seen.incrementAndGet(i);
            }
        });
        for (int i = 0; i < length; i++) {
            assertThat(seen.get(i)).as("index %d", i).isEqualTo(1);
        }
    }
}
