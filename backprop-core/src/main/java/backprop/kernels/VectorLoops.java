package backprop.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Loops} on the Vector API: a comparison gives a lane mask and a blend picks by it, with no
 * branch. Loaded only when {@link JavaKernels#VECTOR} holds, as {@link VectorMicroKernel} is.
 */
final class VectorLoops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorLoops() {}

    static void relu(float[] x, float[] out, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = x[i] > 0 ? x[i] : 0f;
        }
    }

    static void reluBackward(float[] g, float[] a, float[] out, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, a, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, g, i), positive).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = a[i] > 0 ? g[i] : 0f;
        }
    }

    static void biasRelu(float[] c, float[] b, int rows) {
        int n = b.length;
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < rows * n; r += n) {
            int j = 0;
            for (; j <= n - L; j += L) {
                FloatVector y = FloatVector.fromArray(S, c, r + j).add(FloatVector.fromArray(S, b, j));
                zero.blend(y, y.compare(VectorOperators.GT, 0f)).intoArray(c, r + j);
            }
            for (; j < n; j++) {
                float y = c[r + j] + b[j];
                c[r + j] = y > 0 ? y : 0f;
            }
        }
    }
}
