package backprop.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 GEMM on the Vector API ({@code jdk.incubator.vector}, an incubator module in Java
 * 17): a register-blocked micro-kernel and the blocking around it. Only {@link JavaKernels} refers
 * to this class, and only when {@link JavaKernels#VECTOR} holds, so a JVM without the module never
 * loads it.
 *
 * <p>The loop C2 vectorizes on its own loads and stores four rows of C at every step along k;
 * here a 4-row x 4-vector block of C (4 x 2 below 512-bit vectors) stays in registers for a whole
 * block of k, and each step loads four vectors of op(B) and four elements of op(A) for sixteen
 * fused multiply-adds. The blocking is BLIS's: op(B) is packed into panels of that width, each
 * small enough to stay in L1 while every 4-row sliver of the packed op(A) block passes over it.
 *
 * <p>Each element of C still gets {@code c = fma(a[q], b[q], c)} for q = 0, 1, ... in order, the
 * arithmetic of the plain loop: results are bit-identical with and without this class, whatever
 * the split between threads.
 */
final class VectorMicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of C per micro-kernel call. */
    private static final int MR = 4;
    /**
     * Vectors per panel: 4 x 4 accumulators fit 512-bit machines' 32 registers; with AVX2's 16 they
     * would spill (then slower than the plain loop: 39 against 53 GFLOP/s), so 4 x 2 there (73).
     */
    private static final int NV = S.vectorBitSize() >= 512 ? 4 : 2;

    /**
     * Whether the kernel runs its full 4 x 4-vector block here: with 512-bit vectors it keeps pace
     * with OpenBLAS on one core; with AVX2's 4 x 2 it trails it by 10-20% (backprop-bench/RESULTS.md).
     */
    static boolean wide() {
        return NV == 4;
    }
    /** Columns of a full panel of op(B). */
    private static final int NR = NV * L;
    /** A KC x NR panel of op(B) stays in L1 (32 KB); MC x KC of op(A) and KC x NC of op(B) in L2. */
    private static final int KC = Math.min(256, 8192 / NR);
    private static final int MC = 128;
    private static final int NC = 512;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private VectorMicroKernel() {}

    /** Packed op(A) block, packed op(B) block and an MR x NR tile for the edges of C. */
    private static final class Workspace {
        final float[] a = new float[MC * KC];
        final float[] b = new float[(NC + NR) * KC];
        final float[] tile = new float[MR * NR];
    }

    /**
     * {@code C[i0..i1, j0..j1] += (op(A) op(B))[i0..i1, j0..j1]}, C being m x n and row-major;
     * A and B are stored as {@link Kernels#sgemm} says.
     */
    static void multiply(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c,
            int i0, int i1, int j0, int j1) {
        Workspace w = WORKSPACE.get();
        for (int jc = j0; jc < j1; jc += NC) {
            int nb = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kb = Math.min(KC, k - pc);
                packB(transB, b, n, k, pc, kb, jc, nb, w.b);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mb = Math.min(MC, i1 - ic);
                    packA(transA, a, m, k, ic, mb, pc, kb, w.a);
                    for (int jr = 0; jr < nb; jr += NR) {
                        int width = panelWidth(nb - jr);
                        for (int ir = 0; ir < mb; ir += MR) {
                            tile(kb, w.a, ir * kb, w.b, jr * kb, width, c, n, ic + ir, jc + jr,
                                    Math.min(MR, mb - ir), Math.min(width, nb - jr), w.tile);
                        }
                    }
                }
            }
        }
    }

    /** A panel's width for the {@code remaining} columns of a block: NR, or the last one rounded up to whole vectors. */
    private static int panelWidth(int remaining) {
        return remaining >= NR ? NR : (remaining + L - 1) / L * L;
    }

    /**
     * One MR x width block of C, rows at {@code row}, columns at {@code col}, of which rows x cols
     * are in C: in place when whole, else through {@code tile}.
     */
    private static void tile(int kb, float[] ap, int aOff, float[] bp, int bOff, int width, float[] c, int n,
            int row, int col, int rows, int cols, float[] tile) {
        if (rows == MR && cols == width) {
            kernel(kb, ap, aOff, bp, bOff, width, c, row * n + col, n);
            return;
        }
        Arrays.fill(tile, 0f);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(c, (row + r) * n + col, tile, r * width, cols);
        }
        kernel(kb, ap, aOff, bp, bOff, width, tile, 0, width);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(tile, r * width, c, (row + r) * n + col, cols);
        }
    }

    /**
     * {@code C[r][j] += sum_q ap[aOff + q*MR + r] * bp[bOff + q*width + j]} for r < MR, j < width
     * (NR, or a multiple of the vector length below it), q < kb; C[r][j] is {@code c[cOff + r*ldc + j]}.
     */
    private static void kernel(int kb, float[] ap, int aOff, float[] bp, int bOff, int width, float[] c, int cOff,
            int ldc) {
        if (width == NR && NV == 4) {
            kernel4(kb, ap, aOff, bp, bOff, c, cOff, ldc);
        } else if (width == NR) {
            kernel2(kb, ap, aOff, bp, bOff, c, cOff, ldc);
        } else {
            for (int v = 0; v < width; v += L) {
                kernel1(kb, ap, aOff, bp, bOff + v, width, c, cOff + v, ldc);
            }
        }
    }

    private static void kernel4(int kb, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        int r0 = cOff, r1 = cOff + ldc, r2 = cOff + 2 * ldc, r3 = cOff + 3 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, r0), c01 = FloatVector.fromArray(S, c, r0 + L);
        FloatVector c02 = FloatVector.fromArray(S, c, r0 + 2 * L), c03 = FloatVector.fromArray(S, c, r0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + L);
        FloatVector c12 = FloatVector.fromArray(S, c, r1 + 2 * L), c13 = FloatVector.fromArray(S, c, r1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + L);
        FloatVector c22 = FloatVector.fromArray(S, c, r2 + 2 * L), c23 = FloatVector.fromArray(S, c, r2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + L);
        FloatVector c32 = FloatVector.fromArray(S, c, r3 + 2 * L), c33 = FloatVector.fromArray(S, c, r3 + 3 * L);
        for (int q = 0; q < kb; q++) {
            int x = bOff + q * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, x), b1 = FloatVector.fromArray(S, bp, x + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, x + 2 * L), b3 = FloatVector.fromArray(S, bp, x + 3 * L);
            int s = aOff + q * MR;
            FloatVector a = FloatVector.broadcast(S, ap[s]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            c02 = a.fma(b2, c02);
            c03 = a.fma(b3, c03);
            a = FloatVector.broadcast(S, ap[s + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            c12 = a.fma(b2, c12);
            c13 = a.fma(b3, c13);
            a = FloatVector.broadcast(S, ap[s + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            c22 = a.fma(b2, c22);
            c23 = a.fma(b3, c23);
            a = FloatVector.broadcast(S, ap[s + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            c32 = a.fma(b2, c32);
            c33 = a.fma(b3, c33);
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c02.intoArray(c, r0 + 2 * L);
        c03.intoArray(c, r0 + 3 * L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c12.intoArray(c, r1 + 2 * L);
        c13.intoArray(c, r1 + 3 * L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c22.intoArray(c, r2 + 2 * L);
        c23.intoArray(c, r2 + 3 * L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c32.intoArray(c, r3 + 2 * L);
        c33.intoArray(c, r3 + 3 * L);
    }

    private static void kernel2(int kb, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        int r0 = cOff, r1 = cOff + ldc, r2 = cOff + 2 * ldc, r3 = cOff + 3 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, r0), c01 = FloatVector.fromArray(S, c, r0 + L);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + L);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + L);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + L);
        for (int q = 0; q < kb; q++) {
            int x = bOff + q * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, x), b1 = FloatVector.fromArray(S, bp, x + L);
            int s = aOff + q * MR;
            FloatVector a = FloatVector.broadcast(S, ap[s]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[s + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[s + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[s + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
    }

    /** One vector's width of a narrower panel (row stride {@code width} in {@code bp}). */
    private static void kernel1(int kb, float[] ap, int aOff, float[] bp, int bOff, int width, float[] c, int cOff,
            int ldc) {
        FloatVector c0 = FloatVector.fromArray(S, c, cOff), c1 = FloatVector.fromArray(S, c, cOff + ldc);
        FloatVector c2 = FloatVector.fromArray(S, c, cOff + 2 * ldc), c3 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
        for (int q = 0; q < kb; q++) {
            FloatVector x = FloatVector.fromArray(S, bp, bOff + q * width);
            int s = aOff + q * MR;
            c0 = FloatVector.broadcast(S, ap[s]).fma(x, c0);
            c1 = FloatVector.broadcast(S, ap[s + 1]).fma(x, c1);
            c2 = FloatVector.broadcast(S, ap[s + 2]).fma(x, c2);
            c3 = FloatVector.broadcast(S, ap[s + 3]).fma(x, c3);
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + ldc);
        c2.intoArray(c, cOff + 2 * ldc);
        c3.intoArray(c, cOff + 3 * ldc);
    }

    /**
     * Copies op(A)[i .. i+mb, p .. p+kb] to {@code ap} as MR-row slivers, each k-major
     * (sliver s at s*MR*kb, element (r, q) at q*MR + r), the last sliver padded with zero rows.
     */
    private static void packA(boolean trans, float[] a, int m, int k, int i, int mb, int p, int kb, float[] ap) {
        for (int ir = 0; ir < mb; ir += MR) {
            int rows = Math.min(MR, mb - ir);
            int base = ir * kb;
            if (rows < MR) {
                Arrays.fill(ap, base, base + MR * kb, 0f);
            }
            for (int r = 0; r < rows; r++) {
                int row = i + ir + r;
                if (trans) {
                    for (int q = 0; q < kb; q++) {
                        ap[base + q * MR + r] = a[(p + q) * m + row];
                    }
                } else {
                    int src = row * k + p;
                    for (int q = 0; q < kb; q++) {
                        ap[base + q * MR + r] = a[src + q];
                    }
                }
            }
        }
    }

    /**
     * Copies op(B)[p .. p+kb, j .. j+nb] to {@code bp} as panels of NR columns, the last one a
     * multiple of L wide (zero columns past nb); the panel at column jr starts at jr*kb and is
     * row-major with rows as wide as the panel.
     */
    private static void packB(boolean trans, float[] b, int n, int k, int p, int kb, int j, int nb, float[] bp) {
        for (int jr = 0; jr < nb; jr += NR) {
            int width = panelWidth(nb - jr);
            int cols = Math.min(width, nb - jr);
            int base = jr * kb;
            if (cols < width) {
                Arrays.fill(bp, base, base + kb * width, 0f);
            }
            if (trans) {
                // in 8 x 8 tiles: eight rows of B read and eight of the panel written at a time, all
                // within a few cache lines, where a column at a time wrote one line per element
                int x0 = 0;
                for (; x0 + 8 <= cols; x0 += 8) {
                    int q0 = 0;
                    for (; q0 + 8 <= kb; q0 += 8) {
                        for (int x = x0; x < x0 + 8; x++) {
                            int src = (j + jr + x) * k + p + q0;
                            int dst = base + q0 * width + x;
                            for (int q = 0; q < 8; q++) {
                                bp[dst + q * width] = b[src + q];
                            }
                        }
                    }
                    for (int x = x0; x < x0 + 8; x++) {
                        int src = (j + jr + x) * k + p;
                        for (int q = q0; q < kb; q++) {
                            bp[base + q * width + x] = b[src + q];
                        }
                    }
                }
                for (int x = x0; x < cols; x++) {
                    int src = (j + jr + x) * k + p;
                    for (int q = 0; q < kb; q++) {
                        bp[base + q * width + x] = b[src + q];
                    }
                }
            } else {
                for (int q = 0; q < kb; q++) {
                    System.arraycopy(b, (p + q) * n + j + jr, bp, base + q * width, cols);
                }
            }
        }
    }
}
