package backprop.train;

import backprop.autograd.AnomalyException;
import backprop.data.Batches;
import backprop.nn.Dropout;
import backprop.nn.Module;
import backprop.optim.Optimizer;
import backprop.optim.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The one epoch loop every trainer runs, with the step plugged in: each epoch it visits the
 * training rows in an order drawn from the seed and the epoch number alone, cut into batches of
 * {@link TrainingOptions#batchSize}, reseeds the model's dropout the same way, sets each step's
 * learning rate by the schedule, hands the batches to the {@link TrainingStep}, stops the run
 * with a {@link DivergenceException} when a loss is not finite, tells the listeners, and scores
 * the test rows after the epoch. A run resumed at an epoch boundary therefore continues exactly
 * as an uninterrupted one, whatever computes its steps.
 */
public final class TrainingLoop {
    private final Module model;
    private final Objective objective;
    private final Optimizer optimizer;
    private final TrainingOptions options;
    private final Scheduler scheduler;

    /**
     * A loop over {@code model}, trained in place by steps that move {@code optimizer}; the
     * optimizer's rates now are the schedule's base rates.
     *
     * @param model the network the steps train; the loop switches its mode and reseeds its dropout
     * @param objective how outputs are scored, for the epoch's training accuracy and the test metrics
     * @param optimizer the optimizer the steps call; the loop sets its learning rates
     * @param options epochs, batch size, seed and schedule
     */
    public TrainingLoop(Module model, Objective objective, Optimizer optimizer, TrainingOptions options) {
        this.model = model;
        this.objective = objective;
        this.optimizer = optimizer;
        this.options = options;
        this.scheduler = new Scheduler(optimizer, options.schedule());
    }

    /**
     * Trains from the epoch after the last one in {@code previous} up to {@code options.epochs()},
     * or until a listener asks to stop, and leaves the model in evaluation mode.
     *
     * @param step computes each update; the loop calls it with {@link TrainingStep#batchesPerStep()} batches at a time
     * @param trainRows the number of training rows, which {@code step} finds by index
     * @param test scores the model on held-out rows after each epoch; null when there are none
     * @param previous the epochs already trained (restored from a checkpoint), or an empty history
     * @param listeners told of the start, every step and every epoch, in order; any may ask to stop
     * @return every epoch's metrics, the previous ones included
     * @throws DivergenceException when a step's loss is not finite, or anomaly detection finds an operation that made one
     */
    public History run(TrainingStep step, int trainRows, Supplier<Evaluation> test, History previous,
                       List<TrainingListener> listeners) {
        History history = new History(previous.epochs());
        Batches batches = new Batches(trainRows, options.batchSize());
        int firstEpoch = previous.epochs().size() + 1;
        listeners.forEach(l -> l.onStart(firstEpoch, options.epochs(), batches.count()));
        List<Dropout> dropouts = model.modules(Dropout.class);
        List<Batch> group = new ArrayList<>(step.batchesPerStep());

        for (int epoch = firstEpoch; epoch <= options.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            long stepNanos = 0;
            model.train();
            batches.shuffle(new SplittableRandom(options.shuffleSeed(epoch)));
            for (int i = 0; i < dropouts.size(); i++) {
                dropouts.get(i).reseed(options.dropoutSeed(i, epoch));
            }
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            for (int first = 0; first < batches.count(); first += step.batchesPerStep()) {
                int last = Math.min(batches.count(), first + step.batchesPerStep());
                long firstGlobal = (long) (epoch - 1) * batches.count() + first;
                group.clear();
                for (int b = first; b < last; b++) {
                    long global = firstGlobal + b - first;
                    group.add(new Batch(batches, b, epoch, global, scheduler.rateAt(global)));
                }

                long t0 = System.nanoTime();
                scheduler.setStep(firstGlobal);
                StepResult result;
                try {
                    result = step.step(group);
                } catch (AnomalyException e) {
                    throw new DivergenceException(epoch, last, "training diverged at epoch %d, step %d: %s"
                            .formatted(epoch, last, e.getMessage()));
                }
                stepNanos += System.nanoTime() - t0;
                if (!Double.isFinite(result.loss())) {
                    throw new DivergenceException(epoch, last, "training diverged: the loss became %s at epoch %d, step %d (learning rate %s); lower the learning rate, or find the operation with anomaly detection"
                            .formatted(result.loss(), epoch, last, optimizer.learningRate()));
                }

                lossSum += result.loss() * result.rows();
                correct += result.correct();
                seen += result.rows();
                // Listeners hear of every batch, also of those one step took together.
                for (Batch b : group) {
                    for (TrainingListener l : listeners) {
                        l.afterStep(epoch, b.step(), result.loss(), b.size());
                    }
                }
            }
            Evaluation eval = test == null ? null : test.get();
            EpochMetrics metrics = new EpochMetrics(epoch, lossSum / seen,
                    objective.isClassification() ? (double) correct / seen : Double.NaN,
                    eval == null ? Double.NaN : eval.loss(),
                    eval == null ? Double.NaN : eval.accuracy(),
                    eval == null ? Double.NaN : eval.rmse(),
                    (System.nanoTime() - epochStart) / 1e9, stepNanos / 1e9, seen);
            history.add(metrics);
            listeners.forEach(l -> l.afterEpoch(metrics, history));
            if (listeners.stream().anyMatch(TrainingListener::stopRequested)) {
                break;
            }
        }
        model.eval();
        return history;
    }
}
