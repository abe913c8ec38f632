package backprop.kernels;

/**
 * The element-wise loops of every MLP step that C2 does not vectorize by itself: a comparison
 * that picks between two values compiles to a branch per element, which mispredicts on half of a
 * hidden layer's signs. With the Vector API they run as masked blends ({@link VectorLoops});
 * without it, as plain loops with the same results.
 */
public final class Loops {
    private Loops() {}

    /** {@code out[i] = x[i] > 0 ? x[i] : 0} for i < n: ReLU, 0 for NaN. */
    public static void relu(float[] x, float[] out, int n) {
        if (JavaKernels.VECTOR) {
            VectorLoops.relu(x, out, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            out[i] = x[i] > 0 ? x[i] : 0f;
        }
    }

    /** {@code out[i] = a[i] > 0 ? g[i] : 0} for i < n: ReLU's backward, given its input or its output as {@code a}. */
    public static void reluBackward(float[] g, float[] a, float[] out, int n) {
        if (JavaKernels.VECTOR) {
            VectorLoops.reluBackward(g, a, out, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            out[i] = a[i] > 0 ? g[i] : 0f;
        }
    }

    /**
     * {@code c[r][j] = relu(c[r][j] + b[j])} over the rows of c, in place: a linear layer's bias
     * and the ReLU after it in the one pass that follows the GEMM.
     */
    public static void biasRelu(float[] c, float[] b, int rows) {
        int n = b.length;
        if (JavaKernels.VECTOR) {
            VectorLoops.biasRelu(c, b, rows);
            return;
        }
        for (int r = 0; r < rows * n; r += n) {
            for (int j = 0; j < n; j++) {
                float y = c[r + j] + b[j];
                c[r + j] = y > 0 ? y : 0f;
            }
        }
    }
}
