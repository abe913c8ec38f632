package backprop.train;

import backprop.data.Dataset;
import backprop.nn.Module;
import backprop.optim.Optimizer;
import java.util.List;

/**
 * Minibatch training by backpropagation on this machine:
 * <pre>{@code
 * var trainer = new Trainer(model, Objective.CROSS_ENTROPY, new Adam(model.parameters(), 1e-3),
 *         TrainingOptions.DEFAULTS);
 * History history = trainer.fit(train, test);
 * }</pre>
 * Core's {@link TrainingLoop} with a step of forward, loss, zero grads, backward, optimizer step.
 * Each epoch visits every training row once, in an order drawn from the seed and the epoch
 * number alone, so a run resumed at an epoch boundary continues exactly as an uninterrupted one.
 */
public final class Trainer {
    private static final int EVALUATION_BATCH = 1024;

    private final Module model;
    private final Objective objective;
    private final Optimizer optimizer;
    private final TrainingOptions options;
    private final TrainingLoop loop;
    private final float[] classWeights;

    public Trainer(Module model, Objective objective, Optimizer optimizer, TrainingOptions options) {
        this(model, objective, optimizer, options, null);
    }

    /**
     * A trainer whose loss weights each row by its class (see
     * {@link Objective#loss(backprop.tensor.Tensor, int[], float[], int, float[])}); evaluations stay unweighted.
     *
     * @param model the network to train, in place
     * @param objective the loss, a classification one when weights are given
     * @param optimizer the optimizer over the model's parameters
     * @param options epochs, batch size, seed and schedule
     * @param classWeights one weight per class, or null for none
     */
    public Trainer(Module model, Objective objective, Optimizer optimizer, TrainingOptions options, float[] classWeights) {
        this.model = model;
        this.objective = objective;
        this.optimizer = optimizer;
        this.options = options;
        this.loop = new TrainingLoop(model, objective, optimizer, options);
        this.classWeights = classWeights == null ? null : classWeights.clone();
    }

    /** Trains for all epochs; {@code test} may be null. */
    public History fit(Dataset train, Dataset test, TrainingListener... listeners) {
        return fit(train, test, new History(), List.of(listeners));
    }

    /**
     * Trains from the epoch after the last one in {@code previous} (restored, with the model's
     * weights and the optimizer's state, from a checkpoint) up to {@code options.epochs()}.
     */
    public History fit(Dataset train, Dataset test, History previous, List<TrainingListener> listeners) {
        return loop.run(new LocalStep(model, objective, optimizer, train, options.batchSize(), classWeights), train.size(),
                test == null ? null : () -> Evaluation.of(model, objective, test, EVALUATION_BATCH), previous, listeners);
    }
}
