package backprop.spark;

import backprop.data.Dataset;
import backprop.nn.Module;
import backprop.nn.ParameterVector;
import backprop.optim.Optimizer;
import backprop.tensor.Tensor;
import backprop.train.Evaluation;
import backprop.train.Objective;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a partition computes for the driver, with the core engine, on its {@link Shard}. */
final class ShardWork {
    private ShardWork() {}

    /**
     * The gradient of the summed loss of this shard's rows of {@code batch} (global row indices),
     * with the loss sum and correct predictions; {@link Partial#ZERO} when none of them is here.
     */
    static Partial gradientSum(Shard shard, Replica replica, float[] weights, int[] batch, long dropoutSeed) {
        Rows rows = Rows.of(shard, batch);
        if (rows.n == 0) {
            return Partial.ZERO;
        }
        Module net = replica.network(weights, partitionSeed(dropoutSeed, shard));
        Tensor z = net.forward(rows.input());
        Tensor loss = replica.objective().loss(z, rows.labels, rows.targets, rows.n);
        double lossValue = loss.item();
        // The objective is a batch mean; times n it is this shard's sum, and the driver divides the
        // sum over all shards by the whole batch's size, which is what one machine computes.
        loss.mul(rows.n).backward();
        return new Partial(ParameterVector.gradients(net.parameters()), Map.of(), lossValue * rows.n,
                rows.correct(replica.objective(), z), rows.n);
    }

    /**
     * Local steps for averaging mode: from the driver's weights and optimizer state, one optimizer
     * step per batch of {@code batches} on this shard's rows of it, at the given learning rates.
     * Returns the weights and state times the rows seen, for a row-weighted average.
     */
    static Partial localSteps(Shard shard, Replica replica, float[] weights, Map<String, double[]> state,
                              OptimizerFactory factory, int[][] batches, double[] rates, long dropoutSeed) {
        Module net = replica.network(weights, partitionSeed(dropoutSeed, shard));
        Optimizer optimizer = factory.create(net.parameters());
        optimizer.loadState(state);
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        for (int k = 0; k < batches.length; k++) {
            Rows rows = Rows.of(shard, batches[k]);
            if (rows.n == 0) {
                continue;
            }
            optimizer.setLearningRate(rates[k]);
            optimizer.zeroGrad();
            Tensor z = net.forward(rows.input());
            Tensor loss = replica.objective().loss(z, rows.labels, rows.targets, rows.n);
            loss.backward();
            optimizer.step();
            lossSum += loss.item() * rows.n;
            correct += rows.correct(replica.objective(), z);
            seen += rows.n;
        }
        if (seen == 0) {
            return Partial.ZERO;
        }
        float[] w = ParameterVector.values(net.parameters());
        for (int i = 0; i < w.length; i++) {
            w[i] *= seen;
        }
        Map<String, double[]> weighted = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : optimizer.state().entrySet()) {
            double[] v = e.getValue().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] *= seen;
            }
            weighted.put(e.getKey(), v);
        }
        return new Partial(w, weighted, lossSum, correct, seen);
    }

    /** Core's evaluation of the network with {@code weights} on the whole shard, as sums. */
    static Score score(Shard shard, Replica replica, float[] weights) {
        if (shard.size() == 0) {
            return Score.ZERO;
        }
        Module net = replica.network(weights, 0);
        return Score.of(Evaluation.of(net, replica.objective(), shard.dataset(), 1024));
    }

    /** Each partition draws its own dropout masks: the step's seed mixed with where the shard starts. */
    private static long partitionSeed(long seed, Shard shard) {
        return seed ^ (shard.start() * 0x9E3779B97F4A7C15L);
    }

    /** A shard's rows of one batch, gathered into buffers the way core's trainer fills them. */
    private static final class Rows {
        final int n;
        final float[] x;
        final int[] labels;
        final float[] targets;
        final int d;

        private Rows(int n, float[] x, int[] labels, float[] targets, int d) {
            this.n = n;
            this.x = x;
            this.labels = labels;
            this.targets = targets;
            this.d = d;
        }

        static Rows of(Shard shard, int[] batch) {
            int[] local = shard.localRows(batch);
            int n = local.length;
            Dataset data = shard.dataset();
            int d = data.numFeatures();
            float[] x = new float[n * d];
            int[] labels = new int[n];
            float[] targets = new float[n];
            data.copyRows(local, 0, n, x);
            if (data.numClasses() > 0) {
                data.copyLabels(local, 0, n, labels);
            } else {
                data.copyTargets(local, 0, n, targets);
            }
            return new Rows(n, x, labels, targets, d);
        }

        Tensor input() {
            return Tensor.wrap(x, n, d);
        }

        long correct(Objective objective, Tensor z) {
            if (!objective.isClassification()) {
                return 0;
            }
            int[] predicted = new int[n];
            try (var noGrad = backprop.autograd.GradMode.disabled()) {
                objective.classify(z, predicted);
            }
            long c = 0;
            for (int i = 0; i < n; i++) {
                c += predicted[i] == labels[i] ? 1 : 0;
            }
            return c;
        }
    }
}
