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

    /**
     * A trainer of {@code model} in place; the optimizer's learning rates now are the schedule's
     * base rates.
     *
     * @param model the network to train; its parameters change, its mode is switched, its dropout
     *     reseeded each epoch, and it is left in evaluation mode
     * @param objective the loss minimized, which also scores accuracy and the test metrics
     * @param optimizer an optimizer over {@code model}'s parameters; its state and learning rates
     *     change
     * @param options epochs, batch size, seed and schedule
     */
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

    /**
     * Trains from epoch 1 up to {@code options.epochs()}, or until a listener asks to stop.
     *
     * @param train the rows to train on, with {@code model}'s number of input features
     * @param test the rows scored after each epoch, or null for none (then the test metrics are NaN)
     * @param listeners told of the start, every step and every epoch, in order; any may ask to stop
     * @return every epoch's metrics
     * @throws DivergenceException when a step's loss is not finite
     */
    public History fit(Dataset train, Dataset test, TrainingListener... listeners) {
        return fit(train, test, new History(), List.of(listeners));
    }

    /**
     * Trains from the epoch after the last one in {@code previous} (restored, with the model's
     * weights and the optimizer's state, from a checkpoint) up to {@code options.epochs()}, or
     * until a listener asks to stop. The epochs after a resume see the same batches and dropout
     * masks as in an uninterrupted run.
     *
     * @param train the rows to train on, with {@code model}'s number of input features
     * @param test the rows scored after each epoch, or null for none (then the test metrics are NaN)
     * @param previous the epochs already trained, or an empty {@link History} to start at epoch 1;
     *     not modified
     * @param listeners told of the start, every step and every epoch, in order; any may ask to stop
     * @return a new history of every epoch's metrics, {@code previous}'s included
     * @throws DivergenceException when a step's loss is not finite
     */
    public History fit(Dataset train, Dataset test, History previous, List<TrainingListener> listeners) {
        return loop.run(new LocalStep(model, objective, optimizer, train, options.batchSize(), classWeights), train.size(),
                test == null ? null : () -> Evaluation.of(model, objective, test, EVALUATION_BATCH), previous, listeners);
    }
}
