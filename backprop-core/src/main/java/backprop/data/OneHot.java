package backprop.data;

import static backprop.internal.Checks.require;

/** Class labels as one-hot rows: label {@code k} becomes a row of {@code numClasses} zeros with a 1 at {@code k}. */
public final class OneHot {
    private OneHot() {}

    /**
     * {@return a new {@code labels.length x numClasses} row-major array of one-hot rows}
     *
     * @param labels class indices, each in {@code 0..numClasses-1}
     * @param numClasses the row width, at least 1
     * @throws IllegalArgumentException if {@code numClasses < 1} or a label is out of range
     */
    public static float[] encode(int[] labels, int numClasses) {
        float[] out = new float[labels.length * numClasses];
        encodeInto(labels, labels.length, numClasses, out);
        return out;
    }

    /**
     * Writes the first {@code count} labels into {@code dst} as one-hot rows, overwriting
     * {@code count * numClasses} values from index 0 (for a reused batch buffer).
     *
     * @param labels class indices, each in {@code 0..numClasses-1}
     * @param count how many labels to encode, in {@code 0..labels.length}
     * @param numClasses the row width, at least 1
     * @param dst at least {@code count * numClasses} long; the rest of it is left as it was
     * @throws IllegalArgumentException if an argument is out of range or {@code dst} is too short
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
