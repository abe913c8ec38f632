package backprop.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 product {@code C = A^T B + beta C} for a C of few rows (the weight gradient
 * {@code dY^T X} of a narrow layer: ten classes), computed as a sum of outer products of A's and B's
 * rows, both read in place.
 *
 * <p>Why: {@link VectorMicroKernel} packs op(B) = B into panels, which here is a copy of the whole
 * batch of inputs, and then passes each panel only m / 4 times. For logistic regression on
 * Fashion-MNIST (10 x 784 from a batch of 128) the copy took a third of the product, and the
 * product over a quarter of the step (async-profiler, backprop-bench/RESULTS.md). Here step q along k loads three vectors
 * of B's row q and broadcasts four elements of A's row q into a 4-row x 3-vector block of C that
 * stays in registers for a pass over k (2 or 1 rows for the last ones, 1 vector for the last
 * columns); the block of B a pass reads stays in cache while the row groups pass over it.
 *
 * <p>Each element of C gets {@code c = fma(a[q], b[q], c)} for q = 0, 1, ... in order, from
 * {@code beta * c} (or from zero when beta is 0), as in {@link VectorMicroKernel}: results are
 * bit-identical whichever of the two computes a product. Only {@link JavaKernels} refers to this
 * class, when {@link JavaKernels#VECTOR} holds.
 */
final class OuterProductKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Whether the path is taken at all: its register blocks (12 accumulators and 3 or 4 operands)
     * fit 512-bit machines' 32 vector registers; it was measured only there, and AVX2's 16 would be
     * tight.
     */
    private static final boolean WIDE = S.vectorBitSize() >= 512;
    /** Columns of C per block: three vectors. */
    private static final int NB = 3 * L;
    /**
     * The depth of one pass: the rows of B a block reads (KB x 3 vectors, 48 KB at 512 bits) stay
     * in L1/L2 while the row groups pass over them. Unblocked, a deep product (10 x 784 from 4,096
     * rows, a large batch) read B from memory once per row group, at half the packed kernel's speed.
     * Each pass continues the chains from C, so the blocking changes no bits.
     */
    private static final int KB = 256;

    /**
     * The most rows of C this path takes. Against packing B, by thread CPU time with k = 128 or
     * 32 (backprop-bench/RESULTS.md): 1.4-2.6x as fast at 4-16 rows (10 x 784 x 128: 38 us down
     * to 23); with more rows, where B's panels are passed often enough to repay their packing,
     * 0.94-1.18x in repeated runs, not worth changing products that run well.
     */
    static final int MAX_ROWS = 16;

    private OuterProductKernel() {}

    /** {@return whether this class computes the rows [i0, i1) of op(A) op(B)} */
    static boolean takes(boolean transA, boolean transB, int i0, int i1) {
        return WIDE && transA && !transB && i1 - i0 <= MAX_ROWS;
    }

    /**
     * {@code C[i0..i1, j0..j1] = (A^T B)[i0..i1, j0..j1] + beta C[i0..i1, j0..j1]}, C m x n, A
     * k x m and B k x n, all row-major.
     */
    static void multiply(int m, int n, int k, float[] a, float[] b, float beta, float[] c,
            int i0, int i1, int j0, int j1) {
        for (int p = 0; p == 0 || p < k; p += KB) {   // once at least: k = 0 still scales C by beta
            multiply(m, n, p, Math.min(k, p + KB), a, b, p == 0 ? beta : 1f, c, i0, i1, j0, j1);
        }
    }

    /** {@code C[i0..i1, j0..j1] = (A^T B)[i0..i1, j0..j1] over k in [p0, p1) + beta C[i0..i1, j0..j1]}. */
    private static void multiply(int m, int n, int p0, int p1, float[] a, float[] b, float beta, float[] c,
            int i0, int i1, int j0, int j1) {
        int j = j0;
        for (; j + NB <= j1; j += NB) {
            int i = i0;
            for (; i + 4 <= i1; i += 4) {
                block4(m, n, p0, p1, a, b, beta, c, i, j);
            }
            for (; i + 2 <= i1; i += 2) {
                block2(m, n, p0, p1, a, b, beta, c, i, j);
            }
            for (; i < i1; i++) {
                block1(m, n, p0, p1, a, b, beta, c, i, j);
            }
        }
        for (; j + L <= j1; j += L) {
            int i = i0;
            for (; i + 4 <= i1; i += 4) {
                vector4(m, n, p0, p1, a, b, beta, c, i, j);
            }
            for (; i < i1; i++) {
                vector1(m, n, p0, p1, a, b, beta, c, i, j);
            }
        }
        for (; j < j1; j++) {
            for (int i = i0; i < i1; i++) {
                c[i * n + j] = element(m, n, p0, p1, a, b, beta, c[i * n + j], i, j);
            }
        }
    }

    /** What the chain of fused multiply-adds starts from: {@code beta * c}, or zero when beta is 0 (NaN in C included). */
    private static FloatVector start(float beta, float[] c, int offset) {
        if (beta == 0) {
            return FloatVector.zero(S);
        }
        FloatVector v = FloatVector.fromArray(S, c, offset);
        return beta == 1 ? v : v.mul(beta);
    }

    /** Rows i..i+3, columns j..j+NB of C. */
    private static void block4(int m, int n, int p0, int p1, float[] a, float[] b, float beta, float[] c, int i, int j) {
        int c0 = i * n + j;
        int c1 = c0 + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        FloatVector s00 = start(beta, c, c0);
        FloatVector s01 = start(beta, c, c0 + L);
        FloatVector s02 = start(beta, c, c0 + 2 * L);
        FloatVector s10 = start(beta, c, c1);
        FloatVector s11 = start(beta, c, c1 + L);
        FloatVector s12 = start(beta, c, c1 + 2 * L);
        FloatVector s20 = start(beta, c, c2);
        FloatVector s21 = start(beta, c, c2 + L);
        FloatVector s22 = start(beta, c, c2 + 2 * L);
        FloatVector s30 = start(beta, c, c3);
        FloatVector s31 = start(beta, c, c3 + L);
        FloatVector s32 = start(beta, c, c3 + 2 * L);
        for (int q = p0, aq = p0 * m + i, bq = p0 * n + j; q < p1; q++, aq += m, bq += n) {
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bq + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aq]);
            s00 = a0.fma(b0, s00);
            s01 = a0.fma(b1, s01);
            s02 = a0.fma(b2, s02);
            FloatVector a1 = FloatVector.broadcast(S, a[aq + 1]);
            s10 = a1.fma(b0, s10);
            s11 = a1.fma(b1, s11);
            s12 = a1.fma(b2, s12);
            FloatVector a2 = FloatVector.broadcast(S, a[aq + 2]);
            s20 = a2.fma(b0, s20);
            s21 = a2.fma(b1, s21);
            s22 = a2.fma(b2, s22);
            FloatVector a3 = FloatVector.broadcast(S, a[aq + 3]);
            s30 = a3.fma(b0, s30);
            s31 = a3.fma(b1, s31);
            s32 = a3.fma(b2, s32);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
    }

    /** Rows i and i+1, columns j..j+NB of C. */
    private static void block2(int m, int n, int p0, int p1, float[] a, float[] b, float beta, float[] c, int i, int j) {
        int c0 = i * n + j;
        int c1 = c0 + n;
        FloatVector s00 = start(beta, c, c0);
        FloatVector s01 = start(beta, c, c0 + L);
        FloatVector s02 = start(beta, c, c0 + 2 * L);
        FloatVector s10 = start(beta, c, c1);
        FloatVector s11 = start(beta, c, c1 + L);
        FloatVector s12 = start(beta, c, c1 + 2 * L);
        for (int q = p0, aq = p0 * m + i, bq = p0 * n + j; q < p1; q++, aq += m, bq += n) {
            FloatVector b0 = FloatVector.fromArray(S, b, bq);
            FloatVector b1 = FloatVector.fromArray(S, b, bq + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bq + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[aq]);
            s00 = a0.fma(b0, s00);
            s01 = a0.fma(b1, s01);
            s02 = a0.fma(b2, s02);
            FloatVector a1 = FloatVector.broadcast(S, a[aq + 1]);
            s10 = a1.fma(b0, s10);
            s11 = a1.fma(b1, s11);
            s12 = a1.fma(b2, s12);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
    }

    /** Row i, columns j..j+NB of C. */
    private static void block1(int m, int n, int p0, int p1, float[] a, float[] b, float beta, float[] c, int i, int j) {
        int c0 = i * n + j;
        FloatVector s0 = start(beta, c, c0);
        FloatVector s1 = start(beta, c, c0 + L);
        FloatVector s2 = start(beta, c, c0 + 2 * L);
        for (int q = p0, aq = p0 * m + i, bq = p0 * n + j; q < p1; q++, aq += m, bq += n) {
            FloatVector a0 = FloatVector.broadcast(S, a[aq]);
            s0 = a0.fma(FloatVector.fromArray(S, b, bq), s0);
            s1 = a0.fma(FloatVector.fromArray(S, b, bq + L), s1);
            s2 = a0.fma(FloatVector.fromArray(S, b, bq + 2 * L), s2);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
        s2.intoArray(c, c0 + 2 * L);
    }

    /** Rows i..i+3, columns j..j+L of C. */
    private static void vector4(int m, int n, int p0, int p1, float[] a, float[] b, float beta, float[] c, int i, int j) {
        int c0 = i * n + j;
        FloatVector s0 = start(beta, c, c0);
        FloatVector s1 = start(beta, c, c0 + n);
        FloatVector s2 = start(beta, c, c0 + 2 * n);
        FloatVector s3 = start(beta, c, c0 + 3 * n);
        for (int q = p0, aq = p0 * m + i, bq = p0 * n + j; q < p1; q++, aq += m, bq += n) {
            FloatVector bv = FloatVector.fromArray(S, b, bq);
            s0 = FloatVector.broadcast(S, a[aq]).fma(bv, s0);
            s1 = FloatVector.broadcast(S, a[aq + 1]).fma(bv, s1);
            s2 = FloatVector.broadcast(S, a[aq + 2]).fma(bv, s2);
            s3 = FloatVector.broadcast(S, a[aq + 3]).fma(bv, s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + n);
        s2.intoArray(c, c0 + 2 * n);
        s3.intoArray(c, c0 + 3 * n);
    }

    /** Row i, columns j..j+L of C. */
    private static void vector1(int m, int n, int p0, int p1, float[] a, float[] b, float beta, float[] c, int i, int j) {
        int c0 = i * n + j;
        FloatVector s = start(beta, c, c0);
        for (int q = p0, aq = p0 * m + i, bq = p0 * n + j; q < p1; q++, aq += m, bq += n) {
            s = FloatVector.broadcast(S, a[aq]).fma(FloatVector.fromArray(S, b, bq), s);
        }
        s.intoArray(c, c0);
    }

    /** C[i, j], the last columns, narrower than a vector. */
    private static float element(int m, int n, int p0, int p1, float[] a, float[] b, float beta, float old, int i, int j) {
        float s = beta == 0 ? 0f : beta == 1 ? old : beta * old;
        for (int q = p0; q < p1; q++) {
            s = Math.fma(a[q * m + i], b[q * n + j], s);
        }
        return s;
    }
}
