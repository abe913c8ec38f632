package backprop.spark;

import backprop.data.Dataset;
import backprop.data.Standardizer;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The rows of one Spark partition, the partition's only element: rows {@code start .. start+size-1}
 * of the whole data set, in that order. Rows are numbered globally so that the driver can draw an
 * epoch's batches exactly as core's {@code Batches} does and every partition can find its share
 * of a batch by index alone.
 *
 * <p>Plain arrays travel (Java serialization of primitives); the core {@link Dataset} over them
 * is built once per executor, where the cached partition lives.
 */
public final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long start;
    private final int numFeatures;
    private final float[] features;
    private final int[] labels;
    private final float[] targets;
    private final int numClasses;
    private transient Dataset dataset;

    /** A classification shard when {@code labels} is given, else a regression shard of {@code targets}. */
    Shard(long start, int numFeatures, float[] features, int[] labels, float[] targets, int numClasses) {
        this.start = start;
        this.numFeatures = numFeatures;
        this.features = features;
        this.labels = labels;
        this.targets = targets;
        this.numClasses = numClasses;
    }

    /** Rows {@code from .. to-1} of {@code data} as the shard that starts at global row {@code from}. */
    static Shard of(Dataset data, int from, int to) {
        int d = data.numFeatures();
        float[] x = Arrays.copyOfRange(data.features(), from * d, to * d);
        return data.numClasses() > 0
                ? new Shard(from, d, x, Arrays.copyOfRange(data.labels(), from, to), null, data.numClasses())
                : new Shard(from, d, x, null, Arrays.copyOfRange(data.targets(), from, to), 0);
    }

    long start() {
        return start;
    }

    int dimensions() {
        return numFeatures;
    }

    int size() {
        return features.length / numFeatures;
    }

    /**
     * The local positions of the global rows of {@code batch} that live here, in batch order.
     */
    int[] localRows(int[] batch) {
        int[] local = new int[batch.length];
        int n = 0;
        long end = start + size();
        for (int row : batch) {
            if (row >= start && row < end) {
                local[n++] = (int) (row - start);
            }
        }
        return Arrays.copyOf(local, n);
    }

    /** The shard as a core data set (built on first use and kept with the cached partition). */
    Dataset dataset() {
        if (dataset == null) {
            List<String> names = Dataset.defaultFeatureNames(numFeatures);
            dataset = labels != null
                    ? Dataset.classification(features, numFeatures, labels, names, classNames(numClasses))
                    : Dataset.regression(features, numFeatures, targets, names);
        }
        return dataset;
    }

    /** The same rows with standardized features. */
    Shard standardized(Standardizer standardizer) {
        float[] x = features.clone();
        standardizer.transformInPlace(x);
        return new Shard(start, numFeatures, x, labels, targets, numClasses);
    }

    /** Per-feature sums of {@code x - center} and of its square (center all zeros for plain sums). */
    double[][] moments(double[] center) {
        double[] sum = new double[numFeatures];
        double[] squares = new double[numFeatures];
        for (int i = 0; i < features.length; i++) {
            int j = i % numFeatures;
            double dx = features[i] - center[j];
            sum[j] += dx;
            squares[j] += dx * dx;
        }
        return new double[][] {sum, squares};
    }

    private static List<String> classNames(int k) {
        return java.util.stream.IntStream.range(0, k).mapToObj(Integer::toString).toList();
    }
}
