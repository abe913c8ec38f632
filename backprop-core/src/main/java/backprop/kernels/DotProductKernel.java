package backprop.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 product {@code C = A B^T + beta C} for a C of few columns (a narrow layer's forward
 * pass, x W^T with ten classes), each element a dot product of a row of A and a row of B, both
 * read in place along k.
 *
 * <p>Why: {@link VectorMicroKernel} computes C a row segment at a time, and a row of ten is less
 * than one vector: most of every multiply-add would be padding. Such products went to OpenBLAS,
 * which first copies both operands out of the Java heap (for logistic regression on
 * Fashion-MNIST, the copy alone was a quarter of the forward product; async-profiler,
 * backprop-bench/RESULTS.md). Here step q along k loads a vector from each of 4 rows of A and 3
 * rows of B for a 4 x 3 block of accumulators, each summed across its lanes at the end.
 *
 * <p>The sums run in another order than the other kernels' (each lane its own chain of fused
 * multiply-adds, the lanes then added in order, then the last k mod L products and beta C), so
 * the bits differ from theirs, as OpenBLAS's did. Which kernel computes a product depends on its
 * shape alone ({@link Kernels#forShape}), and every element is computed alone, so a run still gets
 * the same bits every time, whatever the split between threads. {@code DotProductKernelTest}
 * holds the order to that definition, which the JIT's lane sum keeps as the interpreter's does.
 * Only {@link JavaKernels} refers to this class, when {@link JavaKernels#VECTOR} holds.
 */
final class DotProductKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Whether the path is taken at all: its register blocks (12 accumulators and 3 or 4 operands)
     * fit 512-bit machines' 32 vector registers; it was measured only there, and AVX2's 16 would be
     * tight.
     */
    private static final boolean WIDE = S.vectorBitSize() >= 512;

    /** The most columns of C this path takes: fewer than {@link Kernels#NARROW}, where the other kernels pad. */
    static final int MAX_COLUMNS = Kernels.NARROW - 1;
    /**
     * The least depth it takes. Each element ends in a sum across the lanes, which a long k
     * repays: against OpenBLAS on one thread, by thread CPU time (backprop-bench/RESULTS.md),
     * 1.4-2.3x as fast at k = 256-784 (128 x 10 x 784: 54 us down to 34) but 0.56-0.9x at k = 128.
     */
    static final int MIN_DEPTH = 256;

    private DotProductKernel() {}

    /** {@return the lanes of a vector here: the length of the chains an element's sum is made of} */
    static int lanes() {
        return L;
    }

    /** {@return whether this class computes op(A) op(B) of n columns and depth k} */
    static boolean takes(boolean transA, boolean transB, int n, int k) {
        return WIDE && !transA && transB && n <= MAX_COLUMNS && k >= MIN_DEPTH;
    }

    /**
     * {@code C[i0..i1, j0..j1] = (A B^T)[i0..i1, j0..j1] + beta C[i0..i1, j0..j1]}, C m x n, A
     * m x k and B n x k, all row-major.
     */
    static void multiply(int n, int k, float[] a, float[] b, float beta, float[] c, int i0, int i1, int j0, int j1) {
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            int j = j0;
            for (; j + 3 <= j1; j += 3) {
                block4x3(n, k, a, b, beta, c, i, j);
            }
            for (; j < j1; j++) {
                for (int r = i; r < i + 4; r++) {
                    dot(n, k, a, r, b, j, beta, c);
                }
            }
        }
        for (; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                dot(n, k, a, i, b, j, beta, c);
            }
        }
    }

    /** Rows i..i+3 and columns j..j+2 of C. */
    private static void block4x3(int n, int k, float[] a, float[] b, float beta, float[] c, int i, int j) {
        int a0 = i * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        int b0 = j * k;
        int b1 = b0 + k;
        int b2 = b1 + k;
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00;
        int q = 0;
        for (; q + L <= k; q += L) {
            FloatVector w0 = FloatVector.fromArray(S, b, b0 + q);
            FloatVector w1 = FloatVector.fromArray(S, b, b1 + q);
            FloatVector w2 = FloatVector.fromArray(S, b, b2 + q);
            FloatVector x = FloatVector.fromArray(S, a, a0 + q);
            s00 = x.fma(w0, s00);
            s01 = x.fma(w1, s01);
            s02 = x.fma(w2, s02);
            x = FloatVector.fromArray(S, a, a1 + q);
            s10 = x.fma(w0, s10);
            s11 = x.fma(w1, s11);
            s12 = x.fma(w2, s12);
            x = FloatVector.fromArray(S, a, a2 + q);
            s20 = x.fma(w0, s20);
            s21 = x.fma(w1, s21);
            s22 = x.fma(w2, s22);
            x = FloatVector.fromArray(S, a, a3 + q);
            s30 = x.fma(w0, s30);
            s31 = x.fma(w1, s31);
            s32 = x.fma(w2, s32);
        }
        int c0 = i * n + j;
        store(c, c0, beta, s00, k, q, a, a0, b, b0);
        store(c, c0 + 1, beta, s01, k, q, a, a0, b, b1);
        store(c, c0 + 2, beta, s02, k, q, a, a0, b, b2);
        store(c, c0 + n, beta, s10, k, q, a, a1, b, b0);
        store(c, c0 + n + 1, beta, s11, k, q, a, a1, b, b1);
        store(c, c0 + n + 2, beta, s12, k, q, a, a1, b, b2);
        store(c, c0 + 2 * n, beta, s20, k, q, a, a2, b, b0);
        store(c, c0 + 2 * n + 1, beta, s21, k, q, a, a2, b, b1);
        store(c, c0 + 2 * n + 2, beta, s22, k, q, a, a2, b, b2);
        store(c, c0 + 3 * n, beta, s30, k, q, a, a3, b, b0);
        store(c, c0 + 3 * n + 1, beta, s31, k, q, a, a3, b, b1);
        store(c, c0 + 3 * n + 2, beta, s32, k, q, a, a3, b, b2);
    }

    /** One element of C from its lanes: their sum, the last k - q products (fewer than a vector), then beta C. */
    private static void store(float[] c, int at, float beta, FloatVector lanes, int k, int q, float[] a, int aRow,
            float[] b, int bRow) {
        float s = lanes.reduceLanes(VectorOperators.ADD);
        for (; q < k; q++) {
            s = Math.fma(a[aRow + q], b[bRow + q], s);
        }
        c[at] = beta == 0 ? s : s + (beta == 1 ? c[at] : beta * c[at]);
    }

    /** C[i, j] alone (the edges of C), from one vector of accumulators. */
    private static void dot(int n, int k, float[] a, int i, float[] b, int j, float beta, float[] c) {
        int aRow = i * k;
        int bRow = j * k;
        FloatVector lanes = FloatVector.zero(S);
        int q = 0;
        for (; q + L <= k; q += L) {
            lanes = FloatVector.fromArray(S, a, aRow + q).fma(FloatVector.fromArray(S, b, bRow + q), lanes);
        }
        store(c, i * n + j, beta, lanes, k, q, a, aRow, b, bRow);
    }
}
