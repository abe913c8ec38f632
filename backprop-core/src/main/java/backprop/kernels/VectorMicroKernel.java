package backprop.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 GEMM micro-kernel on the Vector API ({@code jdk.incubator.vector}, an incubator
 * module in Java 17): register-blocked, where the loop C2 vectorizes on its own is not. Only
 * {@link JavaKernels} refers to this class, and only when {@link JavaKernels#VECTOR} holds, so a
 * JVM without the module never loads it.
 *
 * <p>The auto-vectorized loop loads and stores the four rows of the C tile at every step along k;
 * here a 4 x 4-vector block of the tile stays in registers for the whole of k, and each step
 * loads four vectors of op(B) and four elements of op(A) for sixteen fused multiply-adds. Each
 * element of C still gets {@code c = fma(a[q], b[q], c)} for q = 0, 1, ... in order, exactly the
 * arithmetic of the plain loop: results are bit-identical with and without this class, whatever
 * the column split between threads.
 */
final class VectorMicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of C per call: the packed op(A) sliver is MR-interleaved. */
    private static final int MR = 4;

    private VectorMicroKernel() {}

    /**
     * {@code t[r][j] += sum_q ap[q*MR + r] * bp[q][j]} for r < 4, q < kbu and j below the returned
     * column, a multiple of the vector length; the caller does the remaining columns up to nb.
     */
    static int kernel(int kbu, float[] ap, float[][] bp, int nb, float[][] t) {
        float[] t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
        int j = 0;
        for (; j + 4 * L <= nb; j += 4 * L) {
            int j1 = j + L, j2 = j + 2 * L, j3 = j + 3 * L;
            FloatVector c00 = FloatVector.fromArray(S, t0, j), c01 = FloatVector.fromArray(S, t0, j1);
            FloatVector c02 = FloatVector.fromArray(S, t0, j2), c03 = FloatVector.fromArray(S, t0, j3);
            FloatVector c10 = FloatVector.fromArray(S, t1, j), c11 = FloatVector.fromArray(S, t1, j1);
            FloatVector c12 = FloatVector.fromArray(S, t1, j2), c13 = FloatVector.fromArray(S, t1, j3);
            FloatVector c20 = FloatVector.fromArray(S, t2, j), c21 = FloatVector.fromArray(S, t2, j1);
            FloatVector c22 = FloatVector.fromArray(S, t2, j2), c23 = FloatVector.fromArray(S, t2, j3);
            FloatVector c30 = FloatVector.fromArray(S, t3, j), c31 = FloatVector.fromArray(S, t3, j1);
            FloatVector c32 = FloatVector.fromArray(S, t3, j2), c33 = FloatVector.fromArray(S, t3, j3);
            for (int q = 0; q < kbu; q++) {
                float[] b = bp[q];
                FloatVector b0 = FloatVector.fromArray(S, b, j), b1 = FloatVector.fromArray(S, b, j1);
                FloatVector b2 = FloatVector.fromArray(S, b, j2), b3 = FloatVector.fromArray(S, b, j3);
                int s = q * MR;
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
            c00.intoArray(t0, j);
            c01.intoArray(t0, j1);
            c02.intoArray(t0, j2);
            c03.intoArray(t0, j3);
            c10.intoArray(t1, j);
            c11.intoArray(t1, j1);
            c12.intoArray(t1, j2);
            c13.intoArray(t1, j3);
            c20.intoArray(t2, j);
            c21.intoArray(t2, j1);
            c22.intoArray(t2, j2);
            c23.intoArray(t2, j3);
            c30.intoArray(t3, j);
            c31.intoArray(t3, j1);
            c32.intoArray(t3, j2);
            c33.intoArray(t3, j3);
        }
        for (; j + L <= nb; j += L) {
            FloatVector c0 = FloatVector.fromArray(S, t0, j), c1 = FloatVector.fromArray(S, t1, j);
            FloatVector c2 = FloatVector.fromArray(S, t2, j), c3 = FloatVector.fromArray(S, t3, j);
            for (int q = 0; q < kbu; q++) {
                FloatVector b = FloatVector.fromArray(S, bp[q], j);
                int s = q * MR;
                c0 = FloatVector.broadcast(S, ap[s]).fma(b, c0);
                c1 = FloatVector.broadcast(S, ap[s + 1]).fma(b, c1);
                c2 = FloatVector.broadcast(S, ap[s + 2]).fma(b, c2);
                c3 = FloatVector.broadcast(S, ap[s + 3]).fma(b, c3);
            }
            c0.intoArray(t0, j);
            c1.intoArray(t1, j);
            c2.intoArray(t2, j);
            c3.intoArray(t3, j);
        }
        return j;
    }
}
