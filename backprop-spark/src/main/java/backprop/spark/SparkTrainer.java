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
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Data-parallel minibatch training on Spark, with the core engine on every task.
 *
 * <p>The driver runs core's {@link TrainingLoop}, as core's {@code Trainer} does: the same global
 * batches in the same order, the same schedule, listeners, divergence checks and checkpoints.
 * What this class plugs in is one step per <em>epoch</em>: one Spark barrier stage
 * ({@code RDD.barrier()}) whose tasks all start at once, one per partition of the training rows
 * (partitions are regrouped when there are more than the cluster has task slots). Every task
 * builds a replica of the network and optimizer from the driver's weights and state and takes
 * the epoch's steps on its rows, meeting the others once per step in an all-reduce over direct
 * TCP connections between the tasks ({@link RingAllReduce}, whose addresses the tasks swap
 * through the driver's {@link Rendezvous}); the driver is out of the data path until task 0
 * hands back the epoch's end state. Per mode:
 * <ul>
 *   <li><b>synchronous</b> ({@code averageEvery == 0}): per batch, every task computes the gradient
 *       of the summed loss of its rows of it, the all-reduce adds them up, and every replica
 *       divides by the batch size and takes the same optimizer step, with the same bits. This is
 *       single-machine training over the same batches, up to the order of float additions; only
 *       dropout masks differ (each task draws its own).</li>
 *   <li><b>model averaging</b> ({@code averageEvery = K > 0}): every task takes K local steps on
 *       its rows of K batches with its own optimizer, then the all-reduce makes every replica the
 *       row-weighted average of the weights and optimizer states. Each local step sees only a
 *       task's share of a batch, so the run drifts from single-machine training as K and the task
 *       count grow.</li>
 * </ul>
 *
 * <p>A failed task (a lost executor, a broken connection, an all-reduce that waits longer than
 * {@link #ALL_REDUCE_TIMEOUT}) fails the stage, and Spark reruns it as a whole from the same
 * broadcast start: the epoch begins again from the state the loop last saw, which is what its
 * checkpoint holds, and ends with the weights an uninterrupted run has.
 */
public final class SparkTrainer {
    private static final int TREE_DEPTH = 2;
    /**
     * How long a task waits for its neighbour in the all-reduce before it fails the stage: far
     * longer than any step, since a dead peer is noticed at once by its closed connection.
     */
    static final Duration ALL_REDUCE_TIMEOUT = Duration.ofMinutes(5);

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
        return fit(data, new History(), listeners);
    }

    /**
     * Trains on from the epochs in {@code previous} (a resumed run: the network and optimizer
     * already hold the checkpoint's state) up to the last epoch.
     */
    public History fit(SparkData data, History previous, List<TrainingListener> listeners) {
        JavaRDD<Shard> tasks = SparkData.oneShardGroupPerTask(data.train());
        int batches = Math.toIntExact((data.trainSize() + options.batchSize() - 1) / options.batchSize());
        TrainingStep epoch = new TrainingStep() {
            @Override
            public int batchesPerStep() {
                return batches;
            }

            @Override
            public StepResult step(List<Batch> epochBatches) {
                return barrierEpoch(tasks, epochBatches);
            }
        };
        try {
            return loop.run(epoch, Math.toIntExact(data.trainSize()), data.test() == null ? null : () -> evaluate(data.test()),
                    previous, listeners);
        } finally {
            if (tasks != data.train()) {
                tasks.unpersist(false);
            }
        }
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

    /** One barrier stage: the epoch's batches trained by every task at once; the driver takes task 0's end state. */
    private StepResult barrierEpoch(JavaRDD<Shard> tasks, List<Batch> batches) {
        int[][] rows = new int[batches.size()][];
        double[] rates = new double[rows.length];
        long[] dropoutSeeds = new long[rows.length];
        long expected = 0;
        for (int k = 0; k < rows.length; k++) {
            rows[k] = batches.get(k).rows();
            rates[k] = batches.get(k).learningRate();
            dropoutSeeds[k] = dropoutSeed(batches.get(k));
            expected += rows[k].length;
        }
        List<Parameter> params = network.parameters();
        long t0 = System.nanoTime();
        JavaSparkContext sc = context(tasks);
        Rendezvous rendezvous = Rendezvous.open(sc.getConf().get("spark.driver.host"), ALL_REDUCE_TIMEOUT);
        Broadcast<BarrierEpoch.Plan> plan = sc.broadcast(new BarrierEpoch.Plan(ParameterVector.values(params),
                optimizer.state(), rows, rates, dropoutSeeds, averageEvery, rendezvous.address(), ALL_REDUCE_TIMEOUT));
        List<BarrierEpoch.Outcome> outcomes;
        long t1 = System.nanoTime();
        // names the job in Spark's UI and event log
        sc.setJobDescription("backprop: epoch %d, one barrier stage of %d tasks".formatted(batches.get(0).epoch(), tasks.getNumPartitions()));
        try {
            // The barrier stage writes its one result to a shuffle, so that it is a map stage: Spark
            // reruns a failed barrier map stage, while a failed barrier result stage ends the job.
            outcomes = tasks.rdd().barrier()
                    .mapPartitions(new EpochTask(replica, optimizers, plan), false, ClassTag$.MODULE$.apply(BarrierEpoch.Outcome.class))
                    .toJavaRDD().repartition(1).collect();
            if (Profile.enabled()) {
                BarrierEpoch.Outcome o = outcomes.get(0);
                int n = tasks.getNumPartitions();
                long t2 = System.nanoTime();
                Profile p = o.profile();
                long inSteps = (p.gather + p.compute + p.allReduce + p.update) / n;
                System.err.printf("profile: epoch %d: driver %.1f ms (plan+broadcast %.1f ms, stage %.1f ms); task setup %.1f ms, steps %.1f ms, end state %.1f ms; stage outside the tasks' steps %.1f ms; %s%n",
                        batches.get(0).epoch(), (t2 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, o.setupNanos() / 1e6 / n, inSteps / 1e6,
                        o.endNanos() / 1e6, (t2 - t1 - inSteps - o.setupNanos() / n) / 1e6, p.perStep(n));
            }
        } finally {
            sc.setJobDescription(null);
            plan.destroy();
            rendezvous.close();
        }
        if (outcomes.size() != 1) {
            throw new AssertionError("bug: a barrier epoch returned %d end states; task 0 returns one".formatted(outcomes.size()));
        }
        BarrierEpoch.Outcome end = outcomes.get(0);
        if (!Double.isNaN(end.lossSum()) && end.rows() != expected) {
            throw new AssertionError("bug: the tasks hold %d of the epoch's %d rows".formatted(end.rows(), expected));
        }
        ParameterVector.setValues(params, end.weights());
        optimizer.loadState(end.state());
        return new StepResult(end.lossSum() / end.rows(), end.correct(), Math.toIntExact(end.rows()));
    }

    /** A barrier task's body as the Scala function {@code RDDBarrier.mapPartitions} takes. */
    private static final class EpochTask extends AbstractFunction1<scala.collection.Iterator<Shard>, scala.collection.Iterator<BarrierEpoch.Outcome>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Replica replica;
        private final OptimizerFactory optimizers;
        private final Broadcast<BarrierEpoch.Plan> plan;

        EpochTask(Replica replica, OptimizerFactory optimizers, Broadcast<BarrierEpoch.Plan> plan) {
            this.replica = replica;
            this.optimizers = optimizers;
            this.plan = plan;
        }

        @Override
        public scala.collection.Iterator<BarrierEpoch.Outcome> apply(scala.collection.Iterator<Shard> shards) {
            return CollectionConverters.asScala(BarrierEpoch.run(CollectionConverters.asJava(shards), replica, optimizers, plan.value()));
        }
    }

    /** The seed of the dropout masks of {@code batch}'s step (each task mixes in its rank). */
    private long dropoutSeed(Batch batch) {
        return new SplittableRandom(options.dropoutSeed(0, batch.epoch()) + batch.step() - 1).nextLong();
    }

    private static JavaSparkContext context(JavaRDD<Shard> shards) {
        return JavaSparkContext.fromSparkContext(shards.context());
    }
}
