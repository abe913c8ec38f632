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

    /** The epoch, from 1. */
    public int epoch() {
        return epoch;
    }

    /** The batch's place in its epoch, from 1 (the step listeners and error messages name). */
    public int step() {
        return index + 1;
    }

    /** The step of the whole run, from 0: what the learning-rate schedule is a function of. */
    public long globalStep() {
        return globalStep;
    }

    /** The schedule's learning rate for this batch (of the optimizer's first parameter group). */
    public double learningRate() {
        return learningRate;
    }

    /** The number of rows. */
    public int size() {
        return order.size(index);
    }

    /** The training rows' indices, in batch order (a copy: allocates). */
    public int[] rows() {
        return order.rows(index);
    }

    /** Copies the batch's features from {@code data} into {@code dst}, row-major from 0; returns the row count. */
    public int fillFeatures(Dataset data, float[] dst) {
        return order.fillFeatures(data, index, dst);
    }

    /** Copies the batch's labels into {@code dst}; returns the row count. Classification only. */
    public int fillLabels(Dataset data, int[] dst) {
        return order.fillLabels(data, index, dst);
    }

    /** Copies the batch's regression targets into {@code dst}; returns the row count. */
    public int fillTargets(Dataset data, float[] dst) {
        return order.fillTargets(data, index, dst);
    }
}
