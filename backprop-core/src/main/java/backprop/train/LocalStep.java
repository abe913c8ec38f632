package backprop.train;

import backprop.autograd.GradMode;
import backprop.autograd.Workspace;
import backprop.data.Dataset;
import backprop.nn.Module;
import backprop.optim.Optimizer;
import backprop.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Trainer}'s step, one update per batch on this machine, as in the textbook: forward, loss,
 * zero grads, backward, optimizer step. The batch buffers are allocated once, for every step; the
 * next batch is gathered while this one computes ({@link BatchPrefetch}); and the step's tensors
 * live in a {@link Workspace}, so that a step in the steady state allocates next to nothing.
 */
final class LocalStep implements TrainingStep {
    private final Module model;
    private final Objective objective;
    private final Optimizer optimizer;
    private final Dataset train;
    private final int batchSize;
    private final BatchPrefetch batches;
    private final int[] predicted;
    private final Workspace workspace = new Workspace();   // the step's activations and gradients, reused

    private final float[] classWeights;

    LocalStep(Module model, Objective objective, Optimizer optimizer, Dataset train, int batchSize, float[] classWeights) {
        this.classWeights = classWeights;
        this.model = model;
        this.objective = objective;
        this.optimizer = optimizer;
        this.train = train;
        // no batch holds more rows than there are: --batch-size 2147483647 is a full batch, not a 2^31-row buffer
        this.batchSize = Math.min(batchSize, train.size());
        this.batches = new BatchPrefetch(train, this.batchSize, objective.isClassification());
        this.predicted = new int[this.batchSize];
    }

    @Override
    public StepResult step(List<Batch> batches) {
        BatchPrefetch.Buffers rows = this.batches.gather(batches.get(0));
        int d = train.numFeatures();
        int n = rows.rows();
        Tensor input = Tensor.wrap(n == batchSize ? rows.x : Arrays.copyOf(rows.x, n * d), n, d);

        try (var reuse = workspace.step()) {   // everything below is read before the next step
            optimizer.zeroGrad();
            Tensor z = model.forward(input);
            Tensor loss = objective.loss(z, rows.labels, rows.targets, n, classWeights);
            double lossValue = loss.item();
            if (!Double.isFinite(lossValue)) {
                return new StepResult(lossValue, 0, n);
            }
            loss.backward();
            optimizer.step();
            return new StepResult(lossValue, correct(z, rows.labels, n), n);
        }
    }

    private long correct(Tensor z, int[] labels, int n) {
        if (!objective.isClassification()) {
            return 0;
        }
        try (var noGrad = GradMode.disabled()) {
            objective.classify(z, predicted);
        }
        long correct = 0;
        for (int i = 0; i < n; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return correct;
    }
}
