package backprop.train;

import backprop.internal.Checks;
import backprop.nn.Module;
import backprop.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stops when the held-out loss (the rows the loop scores after each epoch: validation rows, so
 * that the test rows stay unseen until the end) has not improved by more than {@code minDelta}
 * for {@code patience} epochs. Made with the model, it also keeps the weights of the best epoch,
 * which {@link #restoreBest()} puts back.
 */
public final class EarlyStopping implements TrainingListener {
    private final int patience;
    private final double minDelta;
    private double best = Double.POSITIVE_INFINITY;
    private int epochsWithoutImprovement;
    private final Module model;
    private Map<String, Tensor> bestState;
    private int bestEpoch;

    /**
     * @param patience how many epochs in a row without improvement end training, at least 1
     * @param minDelta how much lower than the best so far a test loss must be to count as an
     *     improvement, at least 0
     * @throws IllegalArgumentException if either is out of range
     */
    public EarlyStopping(int patience, double minDelta) {
        this(patience, minDelta, null);
    }

    /**
     * As {@link #EarlyStopping(int, double)}, keeping a copy of {@code model}'s weights at the
     * best epoch.
     *
     * @param patience how many epochs in a row without improvement end training, at least 1
     * @param minDelta how much lower than the best so far a loss must be to count as an improvement, at least 0
     * @param model the network being trained
     * @throws IllegalArgumentException if either number is out of range
     */
    public EarlyStopping(int patience, double minDelta, Module model) {
        Checks.require(patience >= 1, "early stopping: patience must be >= 1 epoch; got %d", patience);
        Checks.require(minDelta >= 0, "early stopping: min delta must be >= 0; got %s", minDelta);
        this.patience = patience;
        this.minDelta = minDelta;
        this.model = model;
    }

    /**
     * Puts the best epoch's weights back into the model, when this listener keeps them and the
     * last epoch was not the best.
     *
     * @return the best epoch (counting from 1), or 0 when no epoch was seen or weights are not kept
     */
    public int restoreBest() {
        if (model == null || bestState == null) {
            return 0;
        }
        model.loadStateDict(bestState);
        return bestEpoch;
    }

    @Override
    public void afterEpoch(EpochMetrics metrics, History history) {
        if (count(metrics) && model != null) {
            bestState = copy(model.stateDict());
        }
    }

    /**
     * Takes up a resumed run where it stopped: the best loss and the epochs without improvement
     * follow from the saved epochs' losses alone, and the best epoch's weights are the ones the
     * checkpoint kept ({@link #bestState()}), so the resumed run ends as an uninterrupted one would.
     *
     * @param previous the epochs the run trained before it was stopped
     * @param bestWeights the best epoch's weights from the checkpoint; empty when it kept none
     */
    public void resume(History previous, Map<String, Tensor> bestWeights) {
        previous.epochs().forEach(this::count);
        if (model != null && !bestWeights.isEmpty()) {
            bestState = copy(bestWeights);
        }
    }

    /**
     * {@return the weights of the best epoch so far, by parameter name, for a checkpoint to keep;
     * null when this listener keeps none (made without a model, or no epoch seen)}
     */
    public Map<String, Tensor> bestState() {
        return bestState == null ? null : Collections.unmodifiableMap(bestState);
    }

    /** Counts an epoch's loss; true when it is the new best. */
    private boolean count(EpochMetrics metrics) {
        if (metrics.testLoss() < best - minDelta) {
            best = metrics.testLoss();
            epochsWithoutImprovement = 0;
            bestEpoch = metrics.epoch();
            return true;
        }
        epochsWithoutImprovement++;
        return false;
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        state.forEach((name, t) -> copy.put(name, t.copy()));
        return copy;
    }

    @Override
    public boolean stopRequested() {
        return epochsWithoutImprovement >= patience;
    }
}
