package backprop.train;

import backprop.internal.Checks;
import backprop.optim.Schedule;
import java.util.SplittableRandom;

/**
 * How long and in what portions to train.
 *
 * @param epochs the last epoch to train, at least 1
 * @param batchSize rows per optimizer step, at least 1
 * @param seed fixes the shuffling of every epoch and the dropout masks (initialization and the
 *     train/test split take their own streams from the same seed, in the caller)
 * @param schedule the learning rate over the steps, relative to the optimizer's base rate
 */
public record TrainingOptions(int epochs, int batchSize, long seed, Schedule schedule) {
    /** 10 epochs of batches of 64, seed 1, a constant learning rate. */
    public static final TrainingOptions DEFAULTS = new TrainingOptions(10, 64, 1, Schedule.constant());

    /**
     * Checks the counts.
     *
     * @param epochs at least 1
     * @param batchSize at least 1
     * @param seed the seed of the shuffles and the dropout masks
     * @param schedule the learning-rate schedule
     * @throws IllegalArgumentException if {@code epochs} or {@code batchSize} is less than 1
     */

    public TrainingOptions {
        Checks.require(epochs >= 1, "epochs must be >= 1; got %d", epochs);
        Checks.require(batchSize >= 1, "batch size must be >= 1; got %d", batchSize);
    }

    /**
     * The seed of epoch {@code epoch}'s shuffle (epochs count from 1). Public so that a trainer on
     * other machines (backprop-spark) visits the very batches {@link Trainer} visits.
     *
     * @param epoch the epoch, counting from 1
     * @return the seed of that epoch's shuffle
     */
    public long shuffleSeed(int epoch) {
        return streamSeed(1, epoch);
    }

    /**
     * {@return the seed of one dropout module's masks in one epoch}
     *
     * @param layer which dropout module, counting from 0 in the network's order
     * @param epoch the epoch, counting from 1
     */
    public long dropoutSeed(int layer, int epoch) {
        return streamSeed(2 + layer, epoch);
    }

    /** A seed for one purpose in one epoch, mixed so that nearby inputs give unrelated streams. */
    private long streamSeed(int purpose, int epoch) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + purpose * 0xBF58476D1CE4E5B9L + epoch).nextLong();
    }

    /**
     * @param value the last epoch to train, at least 1
     * @return these options with {@code epochs} replaced
     */
    public TrainingOptions withEpochs(int value) {
        return new TrainingOptions(value, batchSize, seed, schedule);
    }

    /**
     * @param value rows per optimizer step, at least 1
     * @return these options with {@code batchSize} replaced
     */
    public TrainingOptions withBatchSize(int value) {
        return new TrainingOptions(epochs, value, seed, schedule);
    }

    /**
     * @param value the seed of the shuffling and the dropout masks
     * @return these options with {@code seed} replaced
     */
    public TrainingOptions withSeed(long value) {
        return new TrainingOptions(epochs, batchSize, value, schedule);
    }

    /**
     * @param value the learning rate over the steps, relative to the optimizer's base rate
     * @return these options with {@code schedule} replaced
     */
    public TrainingOptions withSchedule(Schedule value) {

        return new TrainingOptions(epochs, batchSize, seed, value);
    }
}
