package backprop.train;

import backprop.data.Batches;
import backprop.data.Dataset;

/**
 * One minibatch of an epoch as {@link TrainingLoop} hands it to a {@link TrainingStep}: which rows,
 * where in the run, and at what learning rate. A view of the epoch's order, valid during the call.
 */
public final class Batch {
    private final Batches order;
    private final int index;
    private final int epoch;
    private final long globalStep;
    private final double learningRate;

    Batch(Batches order, int index, int epoch, long globalStep, double learningRate) {
        this.order = order;
        this.index = index;
        this.epoch = epoch;
        this.globalStep = globalStep;
        this.learningRate = learningRate;
    }

    /**
     * The epoch this batch belongs to.
     *
     * @return 1 for the first epoch of the run
     */
    public int epoch() {
        return epoch;
    }

    /**
     * The batch's place in its epoch: the step that listeners and error messages name.
     *
     * @return 1 for the epoch's first batch
     */
    public int step() {
        return index + 1;
    }

    /**
     * The batch's place in the whole run: what the learning-rate schedule is a function of.
     *
     * @return 0 for the run's first batch, counting on across epochs (and across a resume)
     */
    public long globalStep() {
        return globalStep;
    }

    /**
     * The learning rate the schedule gives this batch.
     *
     * @return the rate of the optimizer's first parameter group at {@link #globalStep()}
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * The number of rows: the batch size, or fewer in an epoch's last batch.
     *
     * @return at least 1
     */
    public int size() {
        return order.size(index);
    }

    /** The epoch's order this batch is a part of, for {@link BatchPrefetch}. */
    Batches order() {
        return order;
    }

    /** The batch's index in its epoch's order, from 0. */
    int index() {
        return index;
    }

    /**
     * The rows of the training set this batch visits.
     *
     * @return their indices in batch order, a new array (this allocates; the fill methods do not)
     */
    public int[] rows() {
        return order.rows(index);
    }

    /**
     * Copies the batch's features into a reused buffer.
     *
     * @param data the training set the loop was started with
     * @param dst at least {@code size() * data.numFeatures()} floats; filled row-major from index 0
     * @return the number of rows copied, {@link #size()}
     */
    public int fillFeatures(Dataset data, float[] dst) {
        return order.fillFeatures(data, index, dst);
    }

    /**
     * Copies the batch's class labels into a reused buffer; classification only.
     *
     * @param data the training set the loop was started with
     * @param dst at least {@link #size()} ints; filled from index 0
     * @return the number of rows copied, {@link #size()}
     */
    public int fillLabels(Dataset data, int[] dst) {
        return order.fillLabels(data, index, dst);
    }

    /**
     * Copies the batch's regression targets into a reused buffer; regression only.
     *
     * @param data the training set the loop was started with
     * @param dst at least {@link #size()} floats; filled from index 0
     * @return the number of rows copied, {@link #size()}
     */
    public int fillTargets(Dataset data, float[] dst) {
        return order.fillTargets(data, index, dst);
    }
}
