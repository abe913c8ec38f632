package backprop.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 product {@code C += A B^T} for a C of few rows (a layer's forward pass at a small
 * batch: x W^T, W stored [out, in]), without packing B. {@link VectorMicroKernel} copies op(B) = B^T
 * into panels, a transpose of the whole weight matrix, and then passes each panel only m / 4 times:
 * at m = 32 the copy costs about as much as the multiply-adds (41 GFLOP/s where other shapes run
 * at 60-70, backprop-bench/RESULTS.md). Here C^T = B A^T is computed instead: A^T, m wide and
 * small, is packed; eight rows of B are read in place, one element of each per step along k,
 * broadcast against two vectors of A^T's row, into 8 x 2 vectors of C^T held in registers; C^T's
 * block is then written into C transposed.
 *
 * <p>Each element of C gets {@code c = fma(a[q], b[q], c)} for q = 0, 1, ... in order, as in
 * {@link VectorMicroKernel}: results are bit-identical whichever of the two computes a product.
 * Only {@link JavaKernels} refers to this class, when {@link JavaKernels#VECTOR} holds.
 */
final class FewRowsKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of B (columns of C) per kernel call. */
    private static final int NB = 8;
    /** Rows of C per kernel call: two vectors of A^T's rows. */
    private static final int MB = 2 * L;
    /** At most this many floats of packed A^T (256 KB, in L2): k is cut into blocks that fit. */
    private static final int PACKED = 1 << 16;

    /**
     * Whether the vectors are 512 bits wide, so that 32 registers hold the 8 x 2 accumulators: with
     * AVX2's 16 they would spill (as {@link VectorMicroKernel}'s 4 x 4 does), and it was measured on
     * AVX-512 only.
     */
    private static final boolean WIDE = S.vectorBitSize() >= 512;

    /**
     * The most rows of C this path takes: against packing B it runs W1's and W2's forward products
     * (n = 256, k = 784; n = 128, k = 256) 1.4-2x as fast at 8-32 rows, 1.05-1.3x at 64, about even
     * at 96 and 0.9-1.0x at 128, by thread CPU time (backprop-bench/RESULTS.md).
     */
    static final int MAX_ROWS = 64;
    /**
     * The fewest columns of C it takes: it computes them eight at a time, and below this the last
     * eight are mostly waste (64 x 10 x 128 ran 1.18x slower than with B packed).
     */
    static final int MIN_COLUMNS = 16;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private FewRowsKernel() {}

    /** Packed A^T and a block of C^T. */
    private static final class Workspace {
        final float[] at = new float[PACKED];
        final float[] tile = new float[NB * MB];
    }

    /** {@return whether this class computes the rows [i0, i1) of op(A) op(B), n columns wide} */
    static boolean takes(boolean transA, boolean transB, int n, int i0, int i1) {
        return WIDE && !transA && transB && i1 - i0 <= MAX_ROWS && n >= MIN_COLUMNS;
    }

    /**
     * {@code C[i0..i1, j0..j1] = (A B^T)[i0..i1, j0..j1] + beta C[i0..i1, j0..j1]}, C m x n, A m x k
     * and B n x k row-major; i1 - i0 at most {@link #MAX_ROWS}.
     */
    static void multiply(int m, int n, int k, float[] a, float[] b, float beta, float[] c,
            int i0, int i1, int j0, int j1) {
        Workspace w = WORKSPACE.get();
        int rows = i1 - i0;
        int width = (rows + L - 1) / L * L;   // A^T's rows, padded with zeros to whole vectors
        int kc = Math.max(1, PACKED / Math.max(width, 1));
        if (k == 0 || rows == 0) {
            scale(c, n, beta, i0, i1, j0, j1);
            return;
        }
        for (int pc = 0; pc < k; pc += kc) {
            int kb = Math.min(kc, k - pc);
            packTransposed(a, k, i0, rows, pc, kb, width, w.at);
            boolean first = pc == 0;
            for (int jb = j0; jb < j1; jb += NB) {
                int cols = Math.min(NB, j1 - jb);
                for (int ib = 0; ib < width; ib += MB) {
                    int vectors = Math.min(2, (width - ib) / L);
                    int chunkRows = Math.min(vectors * L, rows - ib);
                    load(c, n, first ? beta : 1f, i0 + ib, chunkRows, jb, cols, w.tile);
                    if (vectors == 2) {
                        kernel8x2(kb, w.at, ib, width, b, jb * k + pc, k, cols, w.tile);
                    } else {
                        kernel8x1(kb, w.at, ib, width, b, jb * k + pc, k, cols, w.tile);
                    }
                    store(w.tile, c, n, i0 + ib, chunkRows, jb, cols);
                }
            }
        }
    }

    /** {@code C[i0..i1, j0..j1] *= beta}, where beta 0 clears (NaN included): the product of an empty k. */
    private static void scale(float[] c, int n, float beta, int i0, int i1, int j0, int j1) {
        for (int i = i0; i < i1; i++) {
            if (beta == 0) {
                Arrays.fill(c, i * n + j0, i * n + j1, 0f);
            } else if (beta != 1) {
                for (int j = i * n + j0; j < i * n + j1; j++) {
                    c[j] *= beta;
                }
            }
        }
    }

    /**
     * Copies C[row .. row+rows, col .. col+cols], times beta, transposed into {@code tile} (C[i][j]
     * at (j - col) * MB + i - row); beta 0 writes zeros without reading C, as the other kernels clear it.
     */
    private static void load(float[] c, int n, float beta, int row, int rows, int col, int cols, float[] tile) {
        if (beta == 0) {
            Arrays.fill(tile, 0f);
            return;
        }
        for (int i = 0; i < rows; i++) {
            int src = (row + i) * n + col;
            for (int j = 0; j < cols; j++) {
                float x = c[src + j];
                tile[j * MB + i] = beta == 1 ? x : x * beta;
            }
        }
    }

    /** Writes {@code tile} back into C: the inverse of {@link #load}. */
    private static void store(float[] tile, float[] c, int n, int row, int rows, int col, int cols) {
        for (int i = 0; i < rows; i++) {
            int dst = (row + i) * n + col;
            for (int j = 0; j < cols; j++) {
                c[dst + j] = tile[j * MB + i];
            }
        }
    }

    /**
     * Copies A[i .. i+rows, p .. p+kb] transposed to {@code at}: element (r, q) at q * width + r,
     * rows from {@code rows} up to {@code width} zero.
     */
    private static void packTransposed(float[] a, int k, int i, int rows, int p, int kb, int width, float[] at) {
        for (int r = 0; r < rows; r++) {
            int src = (i + r) * k + p;
            for (int q = 0; q < kb; q++) {
                at[q * width + r] = a[src + q];
            }
        }
        for (int r = rows; r < width; r++) {
            for (int q = 0; q < kb; q++) {
                at[q * width + r] = 0f;
            }
        }
    }

    /**
     * {@code tile[jj][v] += sum_q b[bOff + jj*k + q] * at[q*width + ib + v]} for jj < 8, v < 2L, q < kb:
     * eight rows of B by two vectors of A^T. Past the last of {@code cols} rows of B the last one is
     * read again, into tile rows that are not stored: the edge keeps eight independent chains of
     * fused multiply-adds, where one row at a time would wait on each one's latency.
     */
    private static void kernel8x2(int kb, float[] at, int ib, int width, float[] b, int bOff, int k, int cols,
            float[] tile) {
        FloatVector c00 = FloatVector.fromArray(S, tile, 0), c01 = FloatVector.fromArray(S, tile, L);
        FloatVector c10 = FloatVector.fromArray(S, tile, MB), c11 = FloatVector.fromArray(S, tile, MB + L);
        FloatVector c20 = FloatVector.fromArray(S, tile, 2 * MB), c21 = FloatVector.fromArray(S, tile, 2 * MB + L);
        FloatVector c30 = FloatVector.fromArray(S, tile, 3 * MB), c31 = FloatVector.fromArray(S, tile, 3 * MB + L);
        FloatVector c40 = FloatVector.fromArray(S, tile, 4 * MB), c41 = FloatVector.fromArray(S, tile, 4 * MB + L);
        FloatVector c50 = FloatVector.fromArray(S, tile, 5 * MB), c51 = FloatVector.fromArray(S, tile, 5 * MB + L);
        FloatVector c60 = FloatVector.fromArray(S, tile, 6 * MB), c61 = FloatVector.fromArray(S, tile, 6 * MB + L);
        FloatVector c70 = FloatVector.fromArray(S, tile, 7 * MB), c71 = FloatVector.fromArray(S, tile, 7 * MB + L);
        int b0 = row(bOff, k, 0, cols), b1 = row(bOff, k, 1, cols), b2 = row(bOff, k, 2, cols);
        int b3 = row(bOff, k, 3, cols), b4 = row(bOff, k, 4, cols), b5 = row(bOff, k, 5, cols);
        int b6 = row(bOff, k, 6, cols), b7 = row(bOff, k, 7, cols);
        for (int q = 0; q < kb; q++) {
            int x = q * width + ib;
            FloatVector a0 = FloatVector.fromArray(S, at, x), a1 = FloatVector.fromArray(S, at, x + L);
            FloatVector s = FloatVector.broadcast(S, b[b0 + q]);
            c00 = a0.fma(s, c00);
            c01 = a1.fma(s, c01);
            s = FloatVector.broadcast(S, b[b1 + q]);
            c10 = a0.fma(s, c10);
            c11 = a1.fma(s, c11);
            s = FloatVector.broadcast(S, b[b2 + q]);
            c20 = a0.fma(s, c20);
            c21 = a1.fma(s, c21);
            s = FloatVector.broadcast(S, b[b3 + q]);
            c30 = a0.fma(s, c30);
            c31 = a1.fma(s, c31);
            s = FloatVector.broadcast(S, b[b4 + q]);
            c40 = a0.fma(s, c40);
            c41 = a1.fma(s, c41);
            s = FloatVector.broadcast(S, b[b5 + q]);
            c50 = a0.fma(s, c50);
            c51 = a1.fma(s, c51);
            s = FloatVector.broadcast(S, b[b6 + q]);
            c60 = a0.fma(s, c60);
            c61 = a1.fma(s, c61);
            s = FloatVector.broadcast(S, b[b7 + q]);
            c70 = a0.fma(s, c70);
            c71 = a1.fma(s, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, MB);
        c11.intoArray(tile, MB + L);
        c20.intoArray(tile, 2 * MB);
        c21.intoArray(tile, 2 * MB + L);
        c30.intoArray(tile, 3 * MB);
        c31.intoArray(tile, 3 * MB + L);
        c40.intoArray(tile, 4 * MB);
        c41.intoArray(tile, 4 * MB + L);
        c50.intoArray(tile, 5 * MB);
        c51.intoArray(tile, 5 * MB + L);
        c60.intoArray(tile, 6 * MB);
        c61.intoArray(tile, 6 * MB + L);
        c70.intoArray(tile, 7 * MB);
        c71.intoArray(tile, 7 * MB + L);
    }

    /** Where row {@code jj} of a block of B starts: the last of its {@code cols} rows for those past it. */
    private static int row(int bOff, int k, int jj, int cols) {
        return bOff + Math.min(jj, cols - 1) * k;
    }

    /** As {@link #kernel8x2}, by one vector of A^T: rows of C past the last whole pair of vectors. */
    private static void kernel8x1(int kb, float[] at, int ib, int width, float[] b, int bOff, int k, int cols,
            float[] tile) {
        FloatVector c0 = FloatVector.fromArray(S, tile, 0), c1 = FloatVector.fromArray(S, tile, MB);
        FloatVector c2 = FloatVector.fromArray(S, tile, 2 * MB), c3 = FloatVector.fromArray(S, tile, 3 * MB);
        FloatVector c4 = FloatVector.fromArray(S, tile, 4 * MB), c5 = FloatVector.fromArray(S, tile, 5 * MB);
        FloatVector c6 = FloatVector.fromArray(S, tile, 6 * MB), c7 = FloatVector.fromArray(S, tile, 7 * MB);
        int b0 = row(bOff, k, 0, cols), b1 = row(bOff, k, 1, cols), b2 = row(bOff, k, 2, cols);
        int b3 = row(bOff, k, 3, cols), b4 = row(bOff, k, 4, cols), b5 = row(bOff, k, 5, cols);
        int b6 = row(bOff, k, 6, cols), b7 = row(bOff, k, 7, cols);
        for (int q = 0; q < kb; q++) {
            FloatVector a0 = FloatVector.fromArray(S, at, q * width + ib);
            c0 = a0.fma(FloatVector.broadcast(S, b[b0 + q]), c0);
            c1 = a0.fma(FloatVector.broadcast(S, b[b1 + q]), c1);
            c2 = a0.fma(FloatVector.broadcast(S, b[b2 + q]), c2);
            c3 = a0.fma(FloatVector.broadcast(S, b[b3 + q]), c3);
            c4 = a0.fma(FloatVector.broadcast(S, b[b4 + q]), c4);
            c5 = a0.fma(FloatVector.broadcast(S, b[b5 + q]), c5);
            c6 = a0.fma(FloatVector.broadcast(S, b[b6 + q]), c6);
            c7 = a0.fma(FloatVector.broadcast(S, b[b7 + q]), c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, MB);
        c2.intoArray(tile, 2 * MB);
        c3.intoArray(tile, 3 * MB);
        c4.intoArray(tile, 4 * MB);
        c5.intoArray(tile, 5 * MB);
        c6.intoArray(tile, 6 * MB);
        c7.intoArray(tile, 7 * MB);
    }
}
