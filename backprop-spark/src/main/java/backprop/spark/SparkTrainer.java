package backprop.spark;

import backprop.data.Batches;
import backprop.nn.LayerSpec;
import backprop.nn.Module;
import backprop.nn.ParameterVector;
import backprop.optim.Optimizer;
import backprop.tensor.Parameter;
import backprop.train.Batch;
import backprop.train.Evaluation;
import backprop.train.History;
import backprop.train.Objective;
import backprop.train.StepResult;
import backprop.train.TrainingListener;
import backprop.train.TrainingLoop;
import backprop.train.TrainingOptions;
import backprop.train.TrainingStep;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Data-parallel minibatch training on Spark, with the core engine on every partition.
 *
 * <p>The driver runs core's {@link TrainingLoop}, as core's {@code Trainer} does: the same global
 * batches in the same order, the same schedule, listeners and divergence checks. What this class
 * plugs in is the step, per mode:
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
    private final TrainingLoop loop;

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
        this.loop = new TrainingLoop(network, objective, optimizer, options);
    }

    /** The driver's optimizer (its state is the run's). */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Trains for all epochs on {@code data.train()}, scoring {@code data.test()} after each when there is one. */
    public History fit(SparkData data, List<TrainingListener> listeners) {
        JavaRDD<Shard> train = data.train();
        TrainingStep step = averageEvery == 0 ? batches -> synchronousStep(train, batches.get(0)) : new TrainingStep() {
            @Override
            public int batchesPerStep() {
                return averageEvery;
            }

            @Override
            public StepResult step(List<Batch> batches) {
                return averagingRound(train, batches);
            }
        };
        return loop.run(step, Math.toIntExact(data.trainSize()), data.test() == null ? null : () -> evaluate(data.test()),
                new History(), listeners);
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

    /** One optimizer step on the gradient of {@code batch}, summed over the partitions. */
    private StepResult synchronousStep(JavaRDD<Shard> shards, Batch batch) {
        Replica replica = this.replica;
        int[] rows = batch.rows();
        long dropoutSeed = dropoutSeed(batch);
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
        ParameterVector.setGradients(params, gradient);
        optimizer.step();
        return sum.result();
    }

    /** Local steps on {@code batches} on every partition, then the row-weighted average. */
    private StepResult averagingRound(JavaRDD<Shard> shards, List<Batch> batches) {
        Replica replica = this.replica;
        OptimizerFactory optimizers = this.optimizers;
        int[][] rounds = new int[batches.size()][];
        double[] rates = new double[batches.size()];
        for (int k = 0; k < rounds.length; k++) {
            rounds[k] = batches.get(k).rows();
            rates[k] = batches.get(k).learningRate();
        }
        long dropoutSeed = dropoutSeed(batches.get(0));
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
        return sum.result();
    }

    /** The seed of the dropout masks of a step that starts with {@code batch} (each partition mixes in its own). */
    private long dropoutSeed(Batch batch) {
        return new SplittableRandom(options.dropoutSeed(0, batch.epoch()) + batch.step() - 1).nextLong();
    }

    private static JavaSparkContext context(JavaRDD<Shard> shards) {
        return JavaSparkContext.fromSparkContext(shards.context());
    }
}
