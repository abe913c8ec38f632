package backprop.data;

import static backprop.internal.Checks.require;

/** Class labels as one-hot rows: label {@code k} becomes a row of {@code numClasses} zeros with a 1 at {@code k}. */
public final class OneHot {
    private OneHot() {}

    /** A new {@code labels.length x numClasses} row-major array. */
    public static float[] encode(int[] labels, int numClasses) {
        float[] out = new float[labels.length * numClasses];
        encodeInto(labels, labels.length, numClasses, out);
        return out;
    }

    /**
     * Writes the first {@code count} labels into {@code dst} as one-hot rows, overwriting
     * {@code count * numClasses} values from index 0 (for a reused batch buffer).
     */
    public static void encodeInto(int[] labels, int count, int numClasses, float[] dst) {
        require(numClasses >= 1, "OneHot: numClasses must be >= 1; got %d", numClasses);
        require(count >= 0 && count <= labels.length, "OneHot: count must be in 0..%d; got %d", labels.length, count);
        require(dst.length >= count * numClasses, "OneHot: dst must hold %d floats; got %d", count * numClasses, dst.length);
        java.util.Arrays.fill(dst, 0, count * numClasses, 0f);
        for (int i = 0; i < count; i++) {
            int k = labels[i];
            require(k >= 0 && k < numClasses, "OneHot: label %d must be in 0..%d; got %d", i, numClasses - 1, k);
            dst[i * numClasses + k] = 1f;
        }
    }
}
