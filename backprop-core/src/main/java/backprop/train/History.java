package backprop.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The epochs of a run so far, and its throughput over the training steps alone. */
public final class History {
    private final List<EpochMetrics> epochs = new ArrayList<>();

    /** An empty history, for a run that starts at epoch 1. */
    public History() {}

    /**
     * A history that continues {@code previous} (a resumed run's, from its checkpoint).
     *
     * @param previous the epochs so far, in order; copied
     */
    public History(List<EpochMetrics> previous) {
        epochs.addAll(previous);
    }

    void add(EpochMetrics m) {
        epochs.add(m);
    }

    /** {@return the epochs so far, in order; a read-only view that grows as training goes on} */
    public List<EpochMetrics> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** {@return the latest epoch's metrics, or null before the first epoch ends} */
    public EpochMetrics last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    /** {@return the seconds spent in training steps (forward, backward, update), evaluation excluded} */
    public double trainSeconds() {
        return epochs.stream().mapToDouble(EpochMetrics::stepSeconds).sum();
    }

    /** {@return the training samples per second of step time; 0 before any step} */

    public double samplesPerSecond() {
        long samples = epochs.stream().mapToLong(EpochMetrics::samples).sum();
        double seconds = trainSeconds();
        return seconds > 0 ? samples / seconds : 0;
    }
}
