package backprop.train;

import backprop.internal.Checks;

/** Stops when the test loss has not improved by more than {@code minDelta} for {@code patience} epochs. */
public final class EarlyStopping implements TrainingListener {
    private final int patience;
    private final double minDelta;
    private double best = Double.POSITIVE_INFINITY;
    private int epochsWithoutImprovement;

    /**
     * @param patience how many epochs in a row without improvement end training, at least 1
     * @param minDelta how much lower than the best so far a test loss must be to count as an
     *     improvement, at least 0
     * @throws IllegalArgumentException if either is out of range
     */
    public EarlyStopping(int patience, double minDelta) {

        Checks.require(patience >= 1, "early stopping: patience must be >= 1 epoch; got %d", patience);
        Checks.require(minDelta >= 0, "early stopping: min delta must be >= 0; got %s", minDelta);
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void afterEpoch(EpochMetrics metrics, History history) {
        if (metrics.testLoss() < best - minDelta) {
            best = metrics.testLoss();
            epochsWithoutImprovement = 0;
        } else {
            epochsWithoutImprovement++;
        }
    }

    @Override
    public boolean stopRequested() {
        return epochsWithoutImprovement >= patience;
    }
}
