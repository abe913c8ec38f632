package backprop.train;

import backprop.autograd.AnomalyException;
import backprop.autograd.GradMode;
import backprop.data.Batches;
import backprop.data.Dataset;
import backprop.nn.Dropout;
import backprop.nn.Module;
import backprop.optim.Optimizer;
import backprop.optim.Scheduler;
import backprop.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Minibatch training by backpropagation:
 * <pre>{@code
 * var trainer = new Trainer(model, Objective.CROSS_ENTROPY, new Adam(model.parameters(), 1e-3),
 *         TrainingOptions.DEFAULTS);
 * History history = trainer.fit(train, test);
 * }</pre>
 * Each epoch visits every training row once, in an order drawn from the seed and the epoch
 * number alone, so a run resumed at an epoch boundary continues exactly as an uninterrupted one.
 */
public final class Trainer {
    private static final int EVALUATION_BATCH = 1024;

    private final Module model;
    private final Objective objective;
    private final Optimizer optimizer;
    private final TrainingOptions options;
    private final Scheduler scheduler;

    public Trainer(Module model, Objective objective, Optimizer optimizer, TrainingOptions options) {
        this.model = model;
        this.objective = objective;
        this.optimizer = optimizer;
        this.options = options;
        this.scheduler = new Scheduler(optimizer, options.schedule());
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
        History history = new History(previous.epochs());
        Batches batches = new Batches(train.size(), options.batchSize());
        int firstEpoch = previous.epochs().size() + 1;
        listeners.forEach(l -> l.onStart(firstEpoch, options.epochs(), batches.count()));
        int d = train.numFeatures();
        float[] x = new float[options.batchSize() * d];
        int[] labels = new int[options.batchSize()];
        float[] targets = new float[options.batchSize()];
        int[] predicted = new int[options.batchSize()];
        List<Dropout> dropouts = dropouts(model);

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
            for (int b = 0; b < batches.count(); b++) {
                int n = batches.fillFeatures(train, b, x);
                if (objective.isClassification()) {
                    batches.fillLabels(train, b, labels);
                } else {
                    batches.fillTargets(train, b, targets);
                }
                Tensor input = Tensor.wrap(n == options.batchSize() ? x : java.util.Arrays.copyOf(x, n * d), n, d);
                long globalStep = (long) (epoch - 1) * batches.count() + b;

                long t0 = System.nanoTime();
                scheduler.setStep(globalStep);
                optimizer.zeroGrad();
                Tensor z;
                double lossValue;
                try {
                    z = model.forward(input);
                    Tensor loss = objective.loss(z, labels, targets, n);
                    lossValue = loss.item();
                    if (!Double.isFinite(lossValue)) {
                        throw new DivergenceException(epoch, b + 1, "training diverged: the loss became %s at epoch %d, step %d (learning rate %s); lower the learning rate, or find the operation with anomaly detection"
                                .formatted(lossValue, epoch, b + 1, optimizer.learningRate()));
                    }
                    loss.backward();
                } catch (AnomalyException e) {
                    throw new DivergenceException(epoch, b + 1, "training diverged at epoch %d, step %d: %s"
                            .formatted(epoch, b + 1, e.getMessage()));
                }
                optimizer.step();
                stepNanos += System.nanoTime() - t0;

                lossSum += lossValue * n;
                seen += n;
                if (objective.isClassification()) {
                    try (var noGrad = GradMode.disabled()) {
                        objective.classify(z, predicted);
                    }
                    for (int i = 0; i < n; i++) {
                        correct += predicted[i] == labels[i] ? 1 : 0;
                    }
                }
                for (TrainingListener l : listeners) {
                    l.afterStep(epoch, b + 1, lossValue, n);
                }
            }
            Evaluation eval = test == null ? null : Evaluation.of(model, objective, test, EVALUATION_BATCH);
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

    private static List<Dropout> dropouts(Module module) {
        return module.modules().stream().filter(Dropout.class::isInstance).map(Dropout.class::cast).toList();
    }
}
