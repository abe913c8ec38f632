package backprop.train;

/** Hooks into the training loop: progress bars, early stopping, checkpoints. */
public interface TrainingListener {

    /** Before the first epoch of this call to {@code fit} ({@code firstEpoch} > 1 when resuming). */
    default void onStart(int firstEpoch, int epochs, int stepsPerEpoch) {}

    /** After each optimizer step, with the batch's loss. */
    default void afterStep(int epoch, int step, double loss, int batchSize) {}

    /** After each epoch's evaluation. */
    default void afterEpoch(EpochMetrics metrics, History history) {}

    /** Asked after each epoch; true ends training there. */
    default boolean stopRequested() {
        return false;
    }
}
