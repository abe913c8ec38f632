package backprop.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link Kernels} implementation promises, checked against a float64 triple loop.
 * An implementation's test extends this class and says which kernels it tests.
 */
public abstract class KernelsContract {

    protected abstract Kernels kernels();

    /**
     * Shapes (m, n, k) that hit the edges of blocked algorithms: 1, odd sizes, sizes one past a
     * power of two, k beyond one cache block, n beyond one column block, tall and wide matrices,
     * and products large enough to be split over threads. The second group is for SIMD micro-kernels:
     * n a multiple of 4, 8 or 16 vector lanes and one either side, m not a multiple of 4, k = 1.
     * The third is for kernels of few rows: m of two to four vectors, k past a block of packed A^T.
     */
    static final int[][] SHAPES = {
        {1, 1, 1}, {1, 17, 3}, {3, 1, 17}, {17, 3, 1}, {4, 16, 2}, {5, 33, 300},
        {7, 600, 5}, {65, 129, 17}, {129, 65, 257}, {65, 129, 65}, {1000, 7, 40}, {3, 1000, 100},
        {3, 2, 0},
        {4, 64, 1}, {6, 63, 3}, {9, 65, 2}, {2, 80, 7}, {5, 127, 1}, {11, 129, 4}, {8, 255, 33}, {13, 47, 9},
        {32, 57, 300}, {48, 19, 1400}, {64, 40, 1030},
    };

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] s : SHAPES) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (double beta : new double[] {0, 1, -0.75}) {
                        for (int threads : new int[] {1, 2}) {
                            cases.add(Arguments.of(s[0], s[1], s[2], transA, transB, beta, threads));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "sgemm m={0} n={1} k={2} transA={3} transB={4} beta={5} threads={6}")
    @MethodSource("cases")
    void sgemmMatchesTheTripleLoop(int m, int n, int k, boolean transA, boolean transB, double beta, int threads) {
        Kernels kernels = kernels();
        kernels.setThreads(threads);
        SplittableRandom random = new SplittableRandom(31L * m + 7L * n + k);
        float[] a = randomFloats(random, m * k);
        float[] b = randomFloats(random, k * n);
        float[] c = randomFloats(random, m * n);
        float[] a0 = a.clone();
        float[] b0 = b.clone();
        double[] expected = reference(transA, transB, m, n, k, toDoubles(a), toDoubles(b), beta, toDoubles(c));
        double[] bound = errorBound(transA, transB, m, n, k, toDoubles(a), toDoubles(b), beta, toDoubles(c), 0x1p-24);

        kernels.sgemm(transA, transB, m, n, k, a, b, (float) beta, c);

        for (int i = 0; i < m * n; i++) {
            assertThat(Math.abs(c[i] - expected[i])).as("C[%d][%d]", i / n, i % n).isLessThanOrEqualTo(bound[i]);
        }
        assertThat(a).as("A is read only").isEqualTo(a0);
        assertThat(b).as("B is read only").isEqualTo(b0);
    }

    @ParameterizedTest(name = "dgemm m={0} n={1} k={2} transA={3} transB={4} beta={5} threads={6}")
    @MethodSource("cases")
    void dgemmMatchesTheTripleLoop(int m, int n, int k, boolean transA, boolean transB, double beta, int threads) {
        Kernels kernels = kernels();
        kernels.setThreads(threads);
        SplittableRandom random = new SplittableRandom(31L * m + 7L * n + k);
        double[] a = random.doubles(m * k, -1, 1).toArray();
        double[] b = random.doubles(k * n, -1, 1).toArray();
        double[] c = random.doubles(m * n, -1, 1).toArray();
        double[] expected = reference(transA, transB, m, n, k, a, b, beta, c);
        double[] bound = errorBound(transA, transB, m, n, k, a, b, beta, c, 0x1p-53);

        kernels.dgemm(transA, transB, m, n, k, a, b, beta, c);

        for (int i = 0; i < m * n; i++) {
            assertThat(Math.abs(c[i] - expected[i])).as("C[%d][%d]", i / n, i % n).isLessThanOrEqualTo(bound[i]);
        }
    }

    @Test
    void betaZeroOverwritesWhateverCHeld() {
        Kernels kernels = kernels();
        float[] c = {Float.NaN, Float.POSITIVE_INFINITY, Float.NaN, -0f};
        kernels.sgemm(false, false, 2, 2, 1, new float[] {1, 2}, new float[] {3, 4}, 0f, c);
        assertThat(c).containsExactly(3, 4, 6, 8);
        double[] d = {Double.NaN, Double.NEGATIVE_INFINITY, Double.NaN, Double.NaN};
        kernels.dgemm(true, true, 2, 2, 1, new double[] {1, 2}, new double[] {3, 4}, 0.0, d);
        assertThat(d).containsExactly(3, 4, 6, 8);
    }

    @Test
    void aRepeatedProductIsBitIdentical() {
        Kernels kernels = kernels();
        kernels.setThreads(2);
        SplittableRandom random = new SplittableRandom(5);
        int m = 128;
        int n = 256;
        int k = 300;
        float[] a = randomFloats(random, m * k);
        float[] b = randomFloats(random, n * k);
        float[] first = new float[m * n];
        float[] second = new float[m * n];
        kernels.sgemm(false, true, m, n, k, a, b, 0f, first);
        kernels.sgemm(false, true, m, n, k, a, b, 0f, second);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void threadsAreAtLeastOne() {
        Kernels kernels = kernels();
        kernels.setThreads(1);
        assertThat(kernels.threads()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> kernels.setThreads(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** {@code beta C + op(A) op(B)}, summed in float64. */
    private static double[] reference(boolean transA, boolean transB, int m, int n, int k,
            double[] a, double[] b, double beta, double[] c) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = beta == 0 ? 0 : beta * c[i * n + j];
                for (int p = 0; p < k; p++) {
                    sum += opA(transA, a, m, k, i, p) * opB(transB, b, n, k, p, j);
                }
                out[i * n + j] = sum;
            }
        }
        return out;
    }

    /**
     * The classic bound for a dot product summed in any order, (k + 2) u (|beta C| + sum |a b|),
     * plus the error of rounding the float64 reference itself.
     */
    private static double[] errorBound(boolean transA, boolean transB, int m, int n, int k,
            double[] a, double[] b, double beta, double[] c, double unitRoundoff) {
        double[] bound = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = beta == 0 ? 0 : Math.abs(beta * c[i * n + j]);
                for (int p = 0; p < k; p++) {
                    sum += Math.abs(opA(transA, a, m, k, i, p) * opB(transB, b, n, k, p, j));
                }
                bound[i * n + j] = (k + 2) * unitRoundoff * sum * 1.01 + 0x1p-52 * (k + 2) * sum;
            }
        }
        return bound;
    }

    private static double opA(boolean trans, double[] a, int m, int k, int i, int p) {
        return trans ? a[p * m + i] : a[i * k + p];
    }

    private static double opB(boolean trans, double[] b, int n, int k, int p, int j) {
        return trans ? b[j * k + p] : b[p * n + j];
    }

    private static float[] randomFloats(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }

    private static double[] toDoubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
