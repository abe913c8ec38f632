package backprop.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The epochs of a run so far, and its throughput over the training steps alone. */
public final class History {
    private final List<EpochMetrics> epochs = new ArrayList<>();

    public History() {}

    public History(List<EpochMetrics> previous) {
        epochs.addAll(previous);
    }

    void add(EpochMetrics m) {
        epochs.add(m);
    }

    public List<EpochMetrics> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    public EpochMetrics last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    /** Seconds spent in training steps (forward, backward, update), evaluation excluded. */
    public double trainSeconds() {
        return epochs.stream().mapToDouble(EpochMetrics::stepSeconds).sum();
    }

    /** Training samples per second of step time. */
    public double samplesPerSecond() {
        long samples = epochs.stream().mapToLong(EpochMetrics::samples).sum();
        double seconds = trainSeconds();
        return seconds > 0 ? samples / seconds : 0;
    }
}
