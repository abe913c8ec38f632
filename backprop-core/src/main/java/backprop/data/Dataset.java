package backprop.data;

import static backprop.internal.Checks.require;
import static backprop.internal.Checks.requireState;

import java.util.List;

/**
 * An immutable table of {@code size()} rows: {@code numFeatures()} float features per row and
 * one target, either a class index (classification) or a float (regression).
 *
 * <p>Features are row-major: feature {@code j} of row {@code i} is element {@code i * d + j}.
 * The arrays never leave this object: accessors that return arrays return copies, and the
 * batching methods ({@link #copyRows}, {@link #copyLabels}, {@link #copyTargets}) fill
 * buffers the caller owns, so a training loop can reuse one buffer per batch instead of
 * copying the data set.
 */
public final class Dataset {
    private final float[] features;
    private final int numFeatures;
    private final int size;
    private final int[] labels;     // classification only, else null
    private final float[] targets;  // regression only, else null
    private final List<String> featureNames;
    private final List<String> classNames;

    /** Takes ownership of the arrays; the factories decide whether to copy first. */
    private Dataset(float[] features, int numFeatures, int[] labels, float[] targets,
                    List<String> featureNames, List<String> classNames) {
        require(numFeatures >= 1, "Dataset: numFeatures must be >= 1; got %d", numFeatures);
        require(features.length % numFeatures == 0,
                "Dataset: features.length must be a multiple of numFeatures %d; got %d", numFeatures, features.length);
        this.size = features.length / numFeatures;
        require(featureNames.size() == numFeatures,
                "Dataset: need one feature name per column (%d); got %d", numFeatures, featureNames.size());
        if (labels != null) {
            require(labels.length == size, "Dataset: need one label per row (%d); got %d", size, labels.length);
            require(classNames.size() >= 1, "Dataset: classification needs class names; got none");
            for (int i = 0; i < labels.length; i++) {
                require(labels[i] >= 0 && labels[i] < classNames.size(),
                        "Dataset: label of row %d must be in 0..%d; got %d", i, classNames.size() - 1, labels[i]);
            }
        } else {
            require(targets.length == size, "Dataset: need one target per row (%d); got %d", size, targets.length);
            require(classNames.isEmpty(), "Dataset: regression has no class names; got %s", classNames);
        }
        this.features = features;
        this.numFeatures = numFeatures;
        this.labels = labels;
        this.targets = targets;
        this.featureNames = List.copyOf(featureNames);
        this.classNames = List.copyOf(classNames);
    }

    /**
     * A classification data set; the arrays are copied. {@code labels[i]} indexes
     * {@code classNames}.
     *
     * @param features {@code n x numFeatures} values, row-major
     * @param numFeatures the columns per row, at least 1
     * @param labels one class index per row, each in {@code 0..classNames.size()-1}
     * @param featureNames one name per column
     * @param classNames at least one class, in label order
     * @return the data set
     * @throws IllegalArgumentException if the lengths disagree or a label is out of range
     */
    public static Dataset classification(float[] features, int numFeatures, int[] labels,
                                         List<String> featureNames, List<String> classNames) {
        return new Dataset(features.clone(), numFeatures, labels.clone(), null, featureNames, classNames);
    }

    /**
     * A regression data set; the arrays are copied.
     *
     * @param features {@code n x numFeatures} values, row-major
     * @param numFeatures the columns per row, at least 1
     * @param targets one target per row
     * @param featureNames one name per column
     * @return the data set
     * @throws IllegalArgumentException if the lengths disagree
     */
    public static Dataset regression(float[] features, int numFeatures, float[] targets, List<String> featureNames) {
        return new Dataset(features.clone(), numFeatures, null, targets.clone(), featureNames, List.of());
    }

    /** As {@link #classification} without the copies, for readers that just built the arrays. */
    static Dataset classificationOwning(float[] features, int numFeatures, int[] labels,
                                        List<String> featureNames, List<String> classNames) {
        return new Dataset(features, numFeatures, labels, null, featureNames, classNames);
    }

    /** As {@link #regression} without the copies, for readers that just built the arrays. */
    static Dataset regressionOwning(float[] features, int numFeatures, float[] targets, List<String> featureNames) {
        return new Dataset(features, numFeatures, null, targets, featureNames, List.of());
    }

    /**
     * {@return the names {@code f0, f1, ...}, for data without a header}
     *
     * @param numFeatures how many names, at least 0
     */
    public static List<String> defaultFeatureNames(int numFeatures) {
        return java.util.stream.IntStream.range(0, numFeatures).mapToObj(j -> "f" + j).toList();
    }

    /** {@return classification when the rows have class labels, regression when float targets} */
    public Task task() {
        return labels != null ? Task.CLASSIFICATION : Task.REGRESSION;
    }

    /** {@return the number of rows, {@code n}} */
    public int size() {
        return size;
    }

    /** {@return the number of feature columns, {@code d}} */
    public int numFeatures() {
        return numFeatures;
    }

    /** {@return the number of classes for classification; 0 for regression} */
    public int numClasses() {
        return classNames.size();
    }

    /** {@return one name per feature column, in column order; read-only} */
    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * {@return the class names in label order (label {@code k} is {@code classNames().get(k)}); empty
     * for regression; read-only}
     */
    public List<String> classNames() {
        return classNames;
    }

    /** {@return a copy of all features, {@code size() x numFeatures()} row-major} */
    public float[] features() {
        return features.clone();
    }

    /**
     * {@return a copy of all features as one array per row, {@code size()} rows of
     * {@code numFeatures()}: what {@code Tensor.of(float[][])} takes}
     */
    public float[][] featureRows() {
        float[][] rows = new float[size][];
        for (int r = 0; r < size; r++) {
            rows[r] = java.util.Arrays.copyOfRange(features, r * numFeatures, (r + 1) * numFeatures);
        }
        return rows;
    }

    /** The features themselves, not a copy, for readers in this package that promise not to write. */
    float[] featuresUnsafe() {
        return features;
    }

    /**
     * {@return feature {@code column} of row {@code row}}
     *
     * @param row in {@code 0..size()-1}
     * @param column in {@code 0..numFeatures()-1}
     * @throws IllegalArgumentException if either is out of range
     */
    public float feature(int row, int column) {
        require(row >= 0 && row < size, "Dataset.feature: row must be in 0..%d; got %d", size - 1, row);
        require(column >= 0 && column < numFeatures,
                "Dataset.feature: column must be in 0..%d; got %d", numFeatures - 1, column);
        return features[row * numFeatures + column];
    }

    /**
     * {@return a copy of the class labels, one per row}
     *
     * @throws IllegalStateException for a regression data set
     */
    public int[] labels() {
        requireState(labels != null, "Dataset.labels: a regression data set has targets, not labels");
        return labels.clone();
    }

    /**
     * {@return the class label of one row}
     *
     * @param row in {@code 0..size()-1}
     * @throws IllegalStateException for a regression data set
     * @throws ArrayIndexOutOfBoundsException if {@code row} is out of range
     */
    public int label(int row) {
        requireState(labels != null, "Dataset.label: a regression data set has targets, not labels");
        return labels[row];
    }

    /**
     * {@return a copy of the regression targets, one per row}
     *
     * @throws IllegalStateException for a classification data set
     */
    public float[] targets() {
        requireState(targets != null, "Dataset.targets: a classification data set has labels, not targets");
        return targets.clone();
    }

    /**
     * {@return the regression target of one row}
     *
     * @param row in {@code 0..size()-1}
     * @throws IllegalStateException for a classification data set
     * @throws ArrayIndexOutOfBoundsException if {@code row} is out of range
     */
    public float target(int row) {
        requireState(targets != null, "Dataset.target: a classification data set has labels, not targets");
        return targets[row];
    }

    /**
     * {@return how many rows have each label, indexed by label}
     *
     * @throws IllegalStateException for a regression data set
     */
    public int[] classCounts() {
        requireState(labels != null, "Dataset.classCounts: a regression data set has no classes");
        int[] counts = new int[classNames.size()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * A new data set of the given rows, in the given order (repeats allowed), with the same
     * names and classes.
     *
     * @param rows row indices, each in {@code 0..size()-1}
     * @return the new data set, with {@code rows.length} rows
     * @throws IllegalArgumentException if a row index is out of range
     */
    public Dataset subset(int[] rows) {
        float[] x = new float[rows.length * numFeatures];
        copyRows(rows, 0, rows.length, x);
        if (labels != null) {
            int[] y = new int[rows.length];
            copyLabels(rows, 0, rows.length, y);
            return new Dataset(x, numFeatures, y, null, featureNames, classNames);
        }
        float[] t = new float[rows.length];
        copyTargets(rows, 0, rows.length, t);
        return new Dataset(x, numFeatures, null, t, featureNames, classNames);
    }

    /** The same rows with other features (same row count), for preprocessing. */
    Dataset withFeaturesOwning(float[] newFeatures) {
        require(newFeatures.length == features.length,
                "Dataset.withFeatures: need %d values; got %d", features.length, newFeatures.length);
        return new Dataset(newFeatures, numFeatures, labels, targets, featureNames, classNames);
    }

    /** The same rows with {@code newTargets} as the regression targets; the array is kept, not copied. */
    Dataset withTargetsOwning(float[] newTargets) {
        require(targets != null && newTargets.length == targets.length,
                "Dataset.withTargets: need %d targets of a regression; got %d", targets == null ? 0 : targets.length, newTargets.length);
        return new Dataset(features, numFeatures, labels, newTargets, featureNames, classNames);
    }

    /**
     * Copies the features of rows {@code rows[from..to)} into {@code dst}, row after row from
     * index 0.
     *
     * @param rows row indices, each in {@code 0..size()-1}
     * @param from the first index into {@code rows} to copy
     * @param to one past the last
     * @param dst where the features go; the rest of it is left as it was
     * @return the number of rows copied, {@code to - from}
     * @throws IllegalArgumentException if {@code dst} is shorter than {@code (to - from) * numFeatures()}
     *     or a row index is out of range, or not {@code 0 <= from <= to <= rows.length}
     */
    public int copyRows(int[] rows, int from, int to, float[] dst) {
        checkRange(rows, from, to);
        require(dst.length >= (to - from) * numFeatures,
                "Dataset.copyRows: dst must hold %d floats; got %d", (to - from) * numFeatures, dst.length);
        for (int k = from; k < to; k++) {
            int row = rows[k];
            require(row >= 0 && row < size, "Dataset.copyRows: row must be in 0..%d; got %d", size - 1, row);
            System.arraycopy(features, row * numFeatures, dst, (k - from) * numFeatures, numFeatures);
        }
        return to - from;
    }

    /**
     * Copies the labels of rows {@code rows[from..to)} into {@code dst} from index 0.
     *
     * @param rows row indices, each in {@code 0..size()-1}
     * @param from the first index into {@code rows} to copy
     * @param to one past the last
     * @param dst at least {@code to - from} long
     * @return the number of rows copied, {@code to - from}
     * @throws IllegalStateException for a regression data set
     * @throws IllegalArgumentException if {@code dst} is too short or not
     *     {@code 0 <= from <= to <= rows.length}
     */
    public int copyLabels(int[] rows, int from, int to, int[] dst) {
        requireState(labels != null, "Dataset.copyLabels: a regression data set has targets, not labels");
        checkRange(rows, from, to);
        require(dst.length >= to - from, "Dataset.copyLabels: dst must hold %d labels; got %d", to - from, dst.length);
        for (int k = from; k < to; k++) {
            dst[k - from] = labels[rows[k]];
        }
        return to - from;
    }

    /**
     * Copies the targets of rows {@code rows[from..to)} into {@code dst} from index 0.
     *
     * @param rows row indices, each in {@code 0..size()-1}
     * @param from the first index into {@code rows} to copy
     * @param to one past the last
     * @param dst at least {@code to - from} long
     * @return the number of rows copied, {@code to - from}
     * @throws IllegalStateException for a classification data set
     * @throws IllegalArgumentException if {@code dst} is too short or not
     *     {@code 0 <= from <= to <= rows.length}
     */

    public int copyTargets(int[] rows, int from, int to, float[] dst) {
        requireState(targets != null, "Dataset.copyTargets: a classification data set has labels, not targets");
        checkRange(rows, from, to);
        require(dst.length >= to - from, "Dataset.copyTargets: dst must hold %d targets; got %d", to - from, dst.length);
        for (int k = from; k < to; k++) {
            dst[k - from] = targets[rows[k]];
        }
        return to - from;
    }

    private static void checkRange(int[] rows, int from, int to) {
        require(0 <= from && from <= to && to <= rows.length,
                "Dataset: need 0 <= from <= to <= rows.length (%d); got from %d, to %d", rows.length, from, to);
    }

    /** Summary such as {@code Dataset[1797 x 64, classification, 10 classes]}. */
    @Override
    public String toString() {
        return "Dataset[" + size + " x " + numFeatures + ", " + task().id()
                + (labels != null ? ", " + classNames.size() + " classes" : "") + "]";
    }
}
