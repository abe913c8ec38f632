package backprop.data;

import static backprop.internal.Checks.require;

import java.util.random.RandomGenerator;

/**
 * The order in which an epoch visits the rows, cut into minibatches of {@code batchSize} rows;
 * the last batch holds the rest ({@code size % batchSize} rows) when the size is not a multiple.
 *
 * <p>One object serves every epoch: {@link #shuffle} redraws the order in place and the
 * {@code fill...} methods copy a batch's rows into buffers the caller allocates once, so an
 * epoch allocates nothing and never copies the data set. Typical use:
 * <pre>{@code
 * Batches batches = new Batches(train.size(), 64);
 * float[] x = new float[64 * train.numFeatures()];
 * int[] y = new int[64];
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     batches.shuffle(random);
 *     for (int b = 0; b < batches.count(); b++) {
 *         int rows = batches.fillFeatures(train, b, x);   // rows <= 64
 *         batches.fillLabels(train, b, y);
 *         ...
 *     }
 * }
 * }</pre>
 * Not thread-safe: the order is shared state.
 */
public final class Batches {
    private final int[] order;
    private final int batchSize;

    /**
     * Batches over rows {@code 0..size-1} in their natural order until {@link #shuffle} is called.
     *
     * @param size the number of rows, at least 0
     * @param batchSize the rows per batch, at least 1
     * @throws IllegalArgumentException if either is out of range
     */
    public Batches(int size, int batchSize) {
        require(size >= 0, "Batches: size must be >= 0; got %d", size);
        require(batchSize >= 1, "Batches: batchSize must be >= 1; got %d", batchSize);
        this.order = new int[size];
        this.batchSize = batchSize;
        resetOrder();
    }

    /**
     * Draws a new order for the next epoch: a uniform permutation that depends only on the state
     * of {@code random}, not on earlier epochs.
     *
     * @param random the source of the permutation; advanced
     */
    public void shuffle(RandomGenerator random) {
        resetOrder();
        Permutations.shuffleInPlace(order, random);
    }

    /** Puts the rows back in their natural order (for evaluation, say). */
    public void resetOrder() {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
    }

    /** {@return the number of batches, {@code ceil(size / batchSize)}} */
    public int count() {
        return (int) ((order.length + (long) batchSize - 1) / batchSize);
    }

    /** {@return the full batch size} Every batch but perhaps the last has this many rows. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * {@return the number of rows in batch {@code b}}
     *
     * @param b the batch, in {@code 0..count()-1}
     * @throws IllegalArgumentException if {@code b} is out of range
     */
    public int size(int b) {
        return end(b) - start(b);
    }

    /**
     * {@return the row indices of batch {@code b}, in this epoch's order} A copy: allocates, so
     * prefer the fill methods in loops.
     *
     * @param b the batch, in {@code 0..count()-1}
     * @throws IllegalArgumentException if {@code b} is out of range
     */
    public int[] rows(int b) {
        return java.util.Arrays.copyOfRange(order, start(b), end(b));
    }

    /**
     * Copies the features of batch {@code b} into {@code dst}, row-major from index 0; the rest of
     * {@code dst} is left as it was.
     *
     * @param data the data set these batches were made for (same size)
     * @param b the batch, in {@code 0..count()-1}
     * @param dst at least {@code size(b) * data.numFeatures()} long
     * @return the batch's row count
     * @throws IllegalArgumentException if {@code data} has another size, {@code b} is out of
     *     range or {@code dst} is too short
     */
    public int fillFeatures(Dataset data, int b, float[] dst) {
        checkData(data);
        return data.copyRows(order, start(b), end(b), dst);
    }

    /**
     * Copies the class labels of batch {@code b} into {@code dst} from index 0.
     *
     * @param data a classification data set these batches were made for (same size)
     * @param b the batch, in {@code 0..count()-1}
     * @param dst at least {@code size(b)} long
     * @return the batch's row count
     * @throws IllegalArgumentException if {@code data} has another size, {@code b} is out of
     *     range or {@code dst} is too short
     * @throws IllegalStateException if {@code data} is a regression data set
     */
    public int fillLabels(Dataset data, int b, int[] dst) {
        checkData(data);
        return data.copyLabels(order, start(b), end(b), dst);
    }

    /**
     * Copies the regression targets of batch {@code b} into {@code dst} from index 0.
     *
     * @param data a regression data set these batches were made for (same size)
     * @param b the batch, in {@code 0..count()-1}
     * @param dst at least {@code size(b)} long
     * @return the batch's row count
     * @throws IllegalArgumentException if {@code data} has another size, {@code b} is out of
     *     range or {@code dst} is too short
     * @throws IllegalStateException if {@code data} is a classification data set
     */

    public int fillTargets(Dataset data, int b, float[] dst) {
        checkData(data);
        return data.copyTargets(order, start(b), end(b), dst);
    }

    private int start(int b) {
        require(b >= 0 && b < count(), "Batches: batch must be in 0..%d; got %d", count() - 1, b);
        return b * batchSize;
    }

    private int end(int b) {
        return Math.min(order.length, start(b) + batchSize);
    }

    private void checkData(Dataset data) {
        require(data.size() == order.length, "Batches: made for %d rows; got a data set of %d", order.length, data.size());
    }
}
