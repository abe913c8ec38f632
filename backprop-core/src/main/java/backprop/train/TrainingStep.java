package backprop.train;

import java.util.List;

/**
 * How the model learns from its batches: the part of training that a trainer plugs into
 * {@link TrainingLoop}, which owns everything else (epochs, shuffling, the learning-rate
 * schedule, listeners, divergence checks, metrics). {@link Trainer}'s step is forward, loss,
 * zero grads, backward, optimizer step on one machine; backprop-spark's computes the same
 * gradient on many.
 */
public interface TrainingStep {

    /**
     * How many consecutive batches one call to {@link #step} takes: 1, the default, for an update
     * per batch; more for a step that takes several at once (local steps between model
     * averagings). The epoch's last call may get fewer.
     *
     * @return at least 1
     */
    default int batchesPerStep() {
        return 1;
    }

    /**
     * Updates the model and optimizer from {@code batches}, consecutive batches of one epoch in
     * order, with the learning rate of the first one already set into the optimizer. A step whose
     * loss is not finite should leave the model as it was: the loop ends the run with a
     * {@link DivergenceException}.
     *
     * @param batches one to {@link #batchesPerStep()} batches, valid only during the call
     * @return the batches' mean loss, correct predictions and rows
     */
    StepResult step(List<Batch> batches);
}
