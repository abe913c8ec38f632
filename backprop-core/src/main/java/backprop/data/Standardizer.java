package backprop.data;

import static backprop.internal.Checks.require;

/**
 * Per-column standardization {@code x' = (x - mean) / std}, fitted on training data and saved
 * with the model so that prediction applies the very same shift and scale.
 *
 * <p>{@code std} is the population standard deviation (divide by {@code n}, as scikit-learn's
 * {@code StandardScaler}). A constant column gets {@code std = 1}: dividing by zero would turn
 * it into NaN, and a constant feature carries no information to scale anyway.
 */
public final class Standardizer {
    private final float[] means;
    private final float[] stds;

    private Standardizer(float[] means, float[] stds) {
        this.means = means;
        this.stds = stds;
    }

    /**
     * Fits on the features of {@code data}.
     *
     * @param data at least one row
     * @return the fitted standardizer, one mean and std per feature
     * @throws IllegalArgumentException if {@code data} has no rows
     */
    public static Standardizer fit(Dataset data) {
        // No copy: fitting only reads, and Fashion-MNIST's features are 188 MB.
        return fit(data.featuresUnsafe(), data.numFeatures());
    }

    /**
     * Fits on {@code features}, {@code n x numFeatures} row-major. Sums run in double so that
     * 60,000 rows do not lose the low digits of the mean.
     *
     * @param features at least one row, row-major
     * @param numFeatures the columns per row, at least 1
     * @return the fitted standardizer
     * @throws IllegalArgumentException if {@code features} is empty or not a multiple of
     *     {@code numFeatures} long
     */
    public static Standardizer fit(float[] features, int numFeatures) {
        require(numFeatures >= 1, "Standardizer.fit: numFeatures must be >= 1; got %d", numFeatures);
        require(features.length % numFeatures == 0 && features.length > 0,
                "Standardizer.fit: need a positive multiple of %d values; got %d", numFeatures, features.length);
        int n = features.length / numFeatures;
        double[] sum = new double[numFeatures];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < numFeatures; j++) {
                sum[j] += features[i * numFeatures + j];
            }
        }
        double[] mean = new double[numFeatures];
        for (int j = 0; j < numFeatures; j++) {
            mean[j] = sum[j] / n;
        }
        // Two passes: subtracting the mean before squaring avoids the cancellation of E[x^2] - E[x]^2.
        double[] sq = new double[numFeatures];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < numFeatures; j++) {
                double dx = features[i * numFeatures + j] - mean[j];
                sq[j] += dx * dx;
            }
        }
        return ofMoments(n, mean, sq);
    }

    /**
     * The standardizer of {@code n} rows with per-column means {@code mean} and sums of squared
     * deviations from them {@code squaredDeviations}: what {@link #fit} computes, for callers that
     * compute the sums elsewhere (backprop-spark adds them up over partitions).
     *
     * @param n the row count, at least 1
     * @param mean the per-column means
     * @param squaredDeviations per column, {@code sum over rows of (x - mean)^2}
     * @return the standardizer, with {@code std = sqrt(squaredDeviations / n)} (1 where that is
     *     0 or not finite)
     * @throws IllegalArgumentException if {@code n < 1} or the arrays are empty or of different
     *     lengths
     */
    public static Standardizer ofMoments(long n, double[] mean, double[] squaredDeviations) {
        require(n >= 1 && mean.length == squaredDeviations.length && mean.length > 0,
                "Standardizer.ofMoments: need n >= 1 and as many means as squared deviations; got %d, %d and %d",
                n, mean.length, squaredDeviations.length);
        float[] means = new float[mean.length];
        float[] stds = new float[mean.length];
        for (int j = 0; j < mean.length; j++) {
            means[j] = (float) mean[j];
            float std = (float) Math.sqrt(squaredDeviations[j] / n);
            stds[j] = std > 0 && Float.isFinite(std) ? std : 1f;
        }
        return new Standardizer(means, stds);
    }

    /**
     * A standardizer from saved arrays (a model file's preprocessing); copies them.
     *
     * @param means the per-column means
     * @param stds the per-column standard deviations
     * @return the standardizer
     * @throws IllegalArgumentException if the lengths differ, a mean is not finite, or a std is not finite and positive
     */
    public static Standardizer of(float[] means, float[] stds) {
        require(means.length == stds.length && means.length > 0,
                "Standardizer.of: means and stds need the same positive length; got %d and %d", means.length, stds.length);
        for (int j = 0; j < means.length; j++) {
            require(Float.isFinite(means[j]), "Standardizer.of: means[%d] must be finite; got %s", j, means[j]);
            require(Float.isFinite(stds[j]) && stds[j] > 0, "Standardizer.of: stds[%d] must be finite and > 0; got %s", j, stds[j]);
        }
        return new Standardizer(means.clone(), stds.clone());
    }

    /** {@return the fitted per-column means, a copy} */
    public float[] means() {
        return means.clone();
    }

    /** {@return the fitted per-column standard deviations (1 for constant columns), a copy} */
    public float[] stds() {
        return stds.clone();
    }

    /** {@return the number of columns it was fitted on, which every input must have} */
    public int numFeatures() {
        return means.length;
    }

    /**
     * {@return a new data set with standardized features; labels, targets and names unchanged}
     *
     * @param data rows with {@link #numFeatures()} columns
     * @throws IllegalArgumentException if {@code data} has another number of columns
     */
    public Dataset transform(Dataset data) {
        require(data.numFeatures() == means.length,
                "Standardizer.transform: fitted on %d features; got %d", means.length, data.numFeatures());
        float[] x = data.features();
        transformInPlace(x);
        return data.withFeaturesOwning(x);
    }

    /**
     * Standardizes {@code features} in place.
     *
     * @param features {@code n x numFeatures()} values, row-major; overwritten
     * @throws IllegalArgumentException if the length is not a multiple of {@link #numFeatures()}
     */

    public void transformInPlace(float[] features) {
        int d = means.length;
        require(features.length % d == 0, "Standardizer.transformInPlace: need a multiple of %d values; got %d", d, features.length);
        for (int i = 0; i < features.length; i += d) {
            for (int j = 0; j < d; j++) {
                features[i + j] = (features[i + j] - means[j]) / stds[j];
            }
        }
    }

    /**
     * {@return the standardized copy of {@code values}, {@code n x numFeatures()} row-major}
     *
     * @param values the values; not modified
     * @throws IllegalArgumentException if the length is not a multiple of {@link #numFeatures()}
     */
    public float[] transform(float[] values) {
        float[] out = values.clone();
        transformInPlace(out);
        return out;
    }

    /**
     * Undoes {@link #transformInPlace}: {@code x = x' * std + mean}, in place (predictions of
     * standardized targets back in the target's units).
     *
     * @param values {@code n x numFeatures()} standardized values, row-major; overwritten
     * @throws IllegalArgumentException if the length is not a multiple of {@link #numFeatures()}
     */
    public void inverseInPlace(double[] values) {
        int d = means.length;
        require(values.length % d == 0, "Standardizer.inverseInPlace: need a multiple of %d values; got %d", d, values.length);
        for (int i = 0; i < values.length; i += d) {
            for (int j = 0; j < d; j++) {
                values[i + j] = values[i + j] * stds[j] + means[j];
            }
        }
    }
}
