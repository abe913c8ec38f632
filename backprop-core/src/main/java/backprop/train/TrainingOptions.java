package backprop.train;

import backprop.internal.Checks;
import backprop.optim.Schedule;

/**
 * How long and in what portions to train.
 *
 * @param seed fixes the shuffling of every epoch and the dropout masks (initialization and the
 *     train/test split take their own streams from the same seed, in the caller)
 * @param schedule the learning rate over the steps, relative to the optimizer's base rate
 */
public record TrainingOptions(int epochs, int batchSize, long seed, Schedule schedule) {
    public static final TrainingOptions DEFAULTS = new TrainingOptions(10, 64, 1, Schedule.constant());

    public TrainingOptions {
        Checks.require(epochs >= 1, "epochs must be >= 1; got %d", epochs);
        Checks.require(batchSize >= 1, "batch size must be >= 1; got %d", batchSize);
    }

    public TrainingOptions withEpochs(int value) {
        return new TrainingOptions(value, batchSize, seed, schedule);
    }

    public TrainingOptions withBatchSize(int value) {
        return new TrainingOptions(epochs, value, seed, schedule);
    }

    public TrainingOptions withSeed(long value) {
        return new TrainingOptions(epochs, batchSize, value, schedule);
    }

    public TrainingOptions withSchedule(Schedule value) {
        return new TrainingOptions(epochs, batchSize, seed, value);
    }
}
