package backprop.train;

/** Hooks into the training loop: progress bars, early stopping, checkpoints. */
public interface TrainingListener {

    /**
     * Called before the first epoch of this call to {@code fit}. Does nothing unless overridden.
     *
     * @param firstEpoch the epoch about to run, counting from 1; more than 1 when resuming
     * @param epochs the last epoch that will run if nothing stops training
     * @param stepsPerEpoch the optimizer steps (batches) in each epoch
     */
    default void onStart(int firstEpoch, int epochs, int stepsPerEpoch) {}

    /**
     * Called after each optimizer step. Does nothing unless overridden.
     *
     * @param epoch the current epoch, counting from 1
     * @param step the step within the epoch, counting from 1
     * @param loss the batch's mean loss, before the step
     * @param batchSize the batch's rows (fewer in an epoch's last batch)
     */
    default void afterStep(int epoch, int step, double loss, int batchSize) {}

    /**
     * Called after each epoch's evaluation. Does nothing unless overridden.
     *
     * @param metrics the epoch's numbers
     * @param history every epoch so far, this one included
     */
    default void afterEpoch(EpochMetrics metrics, History history) {}

    /**
     * Asked after each epoch, after {@link #afterEpoch}.
     *
     * @return true to end training there; false unless overridden
     */

    default boolean stopRequested() {
        return false;
    }
}
