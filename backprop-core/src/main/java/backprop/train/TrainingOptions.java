package backprop.train;

import backprop.internal.Checks;
import backprop.optim.Schedule;
import java.util.SplittableRandom;

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

    /**
     * The seed of epoch {@code epoch}'s shuffle (epochs count from 1). Public so that a trainer on
     * other machines (backprop-spark) visits the very batches {@link Trainer} visits.
     */
    public long shuffleSeed(int epoch) {
        return streamSeed(1, epoch);
    }

    /** The seed of the dropout masks of the {@code layer}-th dropout module (from 0) in epoch {@code epoch}. */
    public long dropoutSeed(int layer, int epoch) {
        return streamSeed(2 + layer, epoch);
    }

    /** A seed for one purpose in one epoch, mixed so that nearby inputs give unrelated streams. */
    private long streamSeed(int purpose, int epoch) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + purpose * 0xBF58476D1CE4E5B9L + epoch).nextLong();
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
