package backprop.spark;

import backprop.data.Batches;
import backprop.nn.LayerSpec;
import backprop.nn.Module;
import backprop.nn.ParameterVector;
import backprop.optim.Optimizer;
import backprop.tensor.Parameter;
import backprop.train.DivergenceException;
import backprop.train.EpochMetrics;
import backprop.train.Evaluation;
import backprop.train.History;
import backprop.train.Objective;
import backprop.train.TrainingListener;
import backprop.train.TrainingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Data-parallel minibatch training on Spark, with the core engine on every partition.
 *
 * <p>Each epoch the driver draws the order of the training rows from the seed exactly as core's
 * {@code Trainer} does ({@link Batches} shuffled by {@link TrainingOptions#shuffleSeed}), and cuts
 * it into the same global batches. Then, per mode:
 * <ul>
 *   <li><b>synchronous</b> ({@code averageEvery == 0}): per batch the driver broadcasts the weights,
 *       every partition computes the gradient of the summed loss of its rows of the batch,
 *       {@code treeAggregate} adds them up, and the driver divides by the batch size and takes the
 *       optimizer step. This is single-machine training over the same batches, up to the order of
 *       float additions; only dropout masks differ (each partition draws its own).</li>
 *   <li><b>model averaging</b> ({@code averageEvery = K > 0}): per round of K batches the driver
 *       broadcasts weights and optimizer state, every partition takes K local steps on its rows
 *       of those batches with its own copy of the optimizer, and the driver sets the row-weighted
 *       average of the partitions' weights and optimizer states. One exchange per K batches
 *       instead of one per batch; each local step sees only a partition's share of a batch, so
 *       the run drifts from single-machine training as K and the partition count grow.</li>
 * </ul>
 */
public final class SparkTrainer {
    private static final int TREE_DEPTH = 2;

    private final Module network;
    private final Replica replica;
    private final Objective objective;
    private final OptimizerFactory optimizers;
    private final Optimizer optimizer;
    private final TrainingOptions options;
    private final int averageEvery;

    /**
     * @param network the model to train, in place; float32 (its weights travel as float vectors), of
     *     modules {@link LayerSpec} describes, which is how executors rebuild it
     * @param averageEvery 0 for synchronous gradient steps, else the local steps between averagings
     * @throws IllegalArgumentException if the network holds a module {@link LayerSpec} cannot describe
     */
    public SparkTrainer(Module network, Objective objective, OptimizerFactory optimizers,
                        TrainingOptions options, int averageEvery) {
        backprop.internal.Checks.require(averageEvery >= 0, "averageEvery must be >= 0; got %d", averageEvery);
        this.network = network;
        this.replica = new Replica(LayerSpec.of(network), objective);
        this.objective = objective;
        this.optimizers = optimizers;
        this.optimizer = optimizers.create(network.parameters());
        this.options = options;
        this.averageEvery = averageEvery;
    }

    /** The driver's optimizer (its state is the run's). */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Trains for all epochs on {@code data.train()}, scoring {@code data.test()} after each when there is one. */
    public History fit(SparkData data, List<TrainingListener> listeners) {
        List<EpochMetrics> epochs = new ArrayList<>();
        Batches batches = new Batches(Math.toIntExact(data.trainSize()), options.batchSize());
        listeners.forEach(l -> l.onStart(1, options.epochs(), batches.count()));
        double baseRate = optimizer.learningRate();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            batches.shuffle(new SplittableRandom(options.shuffleSeed(epoch)));
            Totals totals = new Totals();
            int rounds = averageEvery == 0 ? batches.count() : (batches.count() + averageEvery - 1) / averageEvery;
            for (int r = 0; r < rounds; r++) {
                int first = averageEvery == 0 ? r : r * averageEvery;
                int last = averageEvery == 0 ? r + 1 : Math.min(batches.count(), first + averageEvery);
                long t0 = System.nanoTime();
                long globalFirst = (long) (epoch - 1) * batches.count() + first;
                long dropoutSeed = new SplittableRandom(options.dropoutSeed(0, epoch) + first).nextLong();
                Partial sum = averageEvery == 0
                        ? synchronousStep(data.train(), batches.rows(first), baseRate, globalFirst, dropoutSeed)
                        : averagingRound(data.train(), batches, first, last, baseRate, globalFirst, dropoutSeed);
                totals.stepNanos += System.nanoTime() - t0;
                double loss = sum.lossSum / sum.rows;
                if (!Double.isFinite(loss)) {
                    throw new DivergenceException(epoch, last, "training diverged: the loss became %s at epoch %d, step %d (learning rate %s); lower the learning rate"
                            .formatted(loss, epoch, last, optimizer.learningRate()));
                }
                totals.add(sum);
                // Listeners hear of every batch, also of those a round of local steps took at once.
                for (int b = first; b < last; b++) {
                    for (TrainingListener l : listeners) {
                        l.afterStep(epoch, b + 1, loss, batches.size(b));
                    }
                }
            }
            Evaluation test = data.test() == null ? null : evaluate(data.test());
            EpochMetrics metrics = new EpochMetrics(epoch, totals.lossSum / totals.rows,
                    objective.isClassification() ? (double) totals.correct / totals.rows : Double.NaN,
                    test == null ? Double.NaN : test.loss(),
                    test == null ? Double.NaN : test.accuracy(),
                    test == null ? Double.NaN : test.rmse(),
                    (System.nanoTime() - epochStart) / 1e9, totals.stepNanos / 1e9, totals.rows);
            epochs.add(metrics);
            History history = new History(epochs);
            listeners.forEach(l -> l.afterEpoch(metrics, history));
            if (listeners.stream().anyMatch(TrainingListener::stopRequested)) {
                break;
            }
        }
        network.eval();
        return new History(epochs);
    }

    /** Core's evaluation of the current network on {@code shards}, computed where they live. */
    public Evaluation evaluate(JavaRDD<Shard> shards) {
        Replica replica = this.replica;
        Broadcast<float[]> weights = context(shards).broadcast(ParameterVector.values(network.parameters()));
        try {
            Score score = shards.treeAggregate(Score.ZERO, (acc, shard) -> Score.add(acc, ShardWork.score(shard, replica, weights.value())),
                    Score::add, TREE_DEPTH);
            return score.evaluation(objective.isClassification());
        } finally {
            weights.destroy();
        }
    }

    /** One optimizer step on the gradient of global batch {@code rows}, summed over the partitions. */
    private Partial synchronousStep(JavaRDD<Shard> shards, int[] rows, double baseRate, long globalStep, long dropoutSeed) {
        Replica replica = this.replica;
        List<Parameter> params = network.parameters();
        Broadcast<float[]> weights = context(shards).broadcast(ParameterVector.values(params));
        Partial sum;
        try {
            sum = shards.treeAggregate(Partial.ZERO,
                    (acc, shard) -> Partial.add(acc, ShardWork.gradientSum(shard, replica, weights.value(), rows, dropoutSeed)),
                    Partial::add, TREE_DEPTH);
        } finally {
            weights.destroy();
        }
        if (sum.rows != rows.length) {
            throw new AssertionError("bug: the partitions hold %d of the batch's %d rows".formatted(sum.rows, rows.length));
        }
        float[] gradient = sum.vector;
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] /= rows.length;
        }
        optimizer.setLearningRate(options.schedule().rate(baseRate, globalStep));
        ParameterVector.setGradients(params, gradient);
        optimizer.step();
        return sum;
    }

    /** Local steps on batches {@code first .. last-1} on every partition, then the row-weighted average. */
    private Partial averagingRound(JavaRDD<Shard> shards, Batches batches, int first, int last, double baseRate,
                                   long globalFirst, long dropoutSeed) {
        Replica replica = this.replica;
        OptimizerFactory optimizers = this.optimizers;
        int[][] rounds = new int[last - first][];
        double[] rates = new double[last - first];
        for (int k = 0; k < rounds.length; k++) {
            rounds[k] = batches.rows(first + k);
            rates[k] = options.schedule().rate(baseRate, globalFirst + k);
        }
        List<Parameter> params = network.parameters();
        JavaSparkContext sc = context(shards);
        Broadcast<float[]> weights = sc.broadcast(ParameterVector.values(params));
        Broadcast<Map<String, double[]>> state = sc.broadcast(optimizer.state());
        Partial sum;
        try {
            sum = shards.treeAggregate(Partial.ZERO,
                    (acc, shard) -> Partial.add(acc, ShardWork.localSteps(shard, replica, weights.value(), state.value(),
                            optimizers, rounds, rates, dropoutSeed)),
                    Partial::add, TREE_DEPTH);
        } finally {
            weights.destroy();
            state.destroy();
        }
        float[] average = sum.vector;
        for (int i = 0; i < average.length; i++) {
            average[i] /= sum.rows;
        }
        sum.state.values().forEach(v -> {
            for (int i = 0; i < v.length; i++) {
                v[i] /= sum.rows;
            }
        });
        ParameterVector.setValues(params, average);
        optimizer.loadState(sum.state);
        optimizer.setLearningRate(rates[rates.length - 1]);
        return sum;
    }

    private static JavaSparkContext context(JavaRDD<Shard> shards) {
        return JavaSparkContext.fromSparkContext(shards.context());
    }

    /** An epoch's running sums. */
    private static final class Totals {
        double lossSum;
        long correct;
        long rows;
        long stepNanos;

        void add(Partial p) {
            lossSum += p.lossSum;
            correct += p.correct;
            rows += p.rows;
        }
    }
}
