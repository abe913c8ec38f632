package backprop.spark;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Data-parallel minibatch training on Spark, with the core engine on every task.
 *
 * <p>The driver runs core's {@link TrainingLoop}, as core's {@code Trainer} does: the same global
 * batches in the same order, the same schedule, listeners, divergence checks and checkpoints.
 * What this class plugs in is one step per <em>epoch</em>, computed by one Spark barrier stage
 * ({@code RDD.barrier()}) that lasts the whole run: its tasks all start at once, one per partition
 * of the training rows (partitions are regrouped when there are more than the cluster has task
 * slots), each with its share of the test rows. Every task builds a replica of the network and
 * optimizer from the driver's state and keeps it from epoch to epoch, meeting the others once per
 * step in an all-reduce ({@link AllReduce}: direct TCP connections between the tasks, or memory
 * when they share a JVM). The driver stays out of the data path: it sends each epoch's batches
 * through the {@link StageLink} that the {@link Rendezvous} left open, takes task 0's end state,
 * asks for the test scores, and runs the loop's listeners while the stage waits. Per mode:
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
 * {@link #ALL_REDUCE_TIMEOUT}) fails the stage attempt, and Spark starts another: its tasks get
 * the driver's state, which is the end of the last finished epoch (what the checkpoint holds), and
 * redo the epoch under way, so the run ends with the weights an uninterrupted run has.
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
        JavaRDD<Shard> train = SparkData.oneShardGroupPerTask(data.train(), averageEvery == 0);
        JavaRDD<Shard> test = data.test() == null ? null : regroup(data.test(), train.getNumPartitions());
        int batches = Math.toIntExact((data.trainSize() + options.batchSize() - 1) / options.batchSize());
        try (Stage stage = new Stage(train, test)) {
            TrainingStep epoch = new TrainingStep() {
                @Override
                public int batchesPerStep() {
                    return batches;
                }

                @Override
                public StepResult step(List<Batch> epochBatches) {
                    return stage.epoch(epochBatches);
                }
            };
            History history = loop.run(epoch, Math.toIntExact(data.trainSize()), test == null ? null : stage::evaluate,
                    previous, listeners);
            stage.finish();
            return history;
        } finally {
            if (train != data.train()) {
                train.unpersist(false);
            }
            if (test != null && test != data.test()) {
                test.unpersist(false);
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

    /**
     * The run's one barrier stage, seen from the driver: started at once, it takes the loop's
     * commands (an epoch, an evaluation) through the {@link StageLink} until {@link #finish}. When
     * a stage attempt fails, Spark starts another; its tasks get the driver's state (the end of
     * the last finished epoch, what the checkpoint holds) and the command under way again.
     */
    private final class Stage implements AutoCloseable {
        private final JavaSparkContext sc;
        private final StageLink.Driver link = new StageLink.Driver();
        private final Rendezvous rendezvous;
        private final JavaFutureAction<Long> job;
        private final long submitted = System.nanoTime();
        private final Set<Integer> lost = new HashSet<>();
        /** The stage attempt whose tasks hold the driver's state, or -1 while there is none. */
        private int attempt = -1;
        private int size;
        private boolean finished;
        private boolean launched;

        Stage(JavaRDD<Shard> train, JavaRDD<Shard> test) {
            sc = context(train);
            rendezvous = Rendezvous.open(sc.getConf().get("spark.driver.host"), ALL_REDUCE_TIMEOUT, link::met);
            JavaRDD<BarrierRun.Rows> rows = test == null
                    ? train.mapPartitions(shards -> List.of(new BarrierRun.Rows(list(shards), List.of())).iterator())
                    : train.zipPartitions(test, (a, b) -> List.of(new BarrierRun.Rows(list(a), list(b))).iterator());
            // names the job in Spark's UI and event log
            sc.setJobDescription("backprop: a run in one barrier stage of %d tasks".formatted(train.getNumPartitions()));
            try {
                // The barrier stage writes to a shuffle, so that it is a map stage: Spark reruns a
                // failed barrier map stage, while a failed barrier result stage ends the job.
                job = rows.rdd().barrier()
                        .mapPartitions(new RunTask(replica, optimizers, new BarrierRun.Setup(averageEvery, rendezvous.address(), ALL_REDUCE_TIMEOUT,
                                        SparkData.threadsPerTask(sc, averageEvery == 0))),
                                false, ClassTag$.MODULE$.apply(Object.class))
                        .toJavaRDD().repartition(1).countAsync();
            } catch (RuntimeException e) {
                rendezvous.close();
                throw e;
            } finally {
                sc.setJobDescription(null);
            }
        }

        /** One epoch's steps on the tasks; the driver takes rank 0's end state. */
        StepResult epoch(List<Batch> batches) {
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
            long t0 = System.nanoTime();
            List<StageLink.Reply> replies = command(StageLink.Command.train(new StageLink.Plan(rows, rates, dropoutSeeds)));
            StageLink.Reply end = replies.get(0);
            double[] sums = end.numbers();
            if (!Double.isNaN(sums[BarrierRun.LOSS]) && (long) sums[BarrierRun.ROWS] != expected) {
                throw new AssertionError("bug: the tasks hold %d of the epoch's %d rows".formatted((long) sums[BarrierRun.ROWS], expected));
            }
            List<Parameter> params = network.parameters();
            ParameterVector.setValues(params, end.weights());
            optimizer.loadState(end.state());
            if (Profile.enabled()) {
                Profile p = Profile.of(sums, BarrierRun.PROFILE);
                long inSteps = (p.gather + p.compute + p.allReduce + p.update) / size;
                long wall = System.nanoTime() - t0;
                System.err.printf("profile: epoch %d: %.1f ms on the driver, of them %.1f ms in the tasks' steps, %.1f ms outside%s; %s%n",
                        batches.get(0).epoch(), wall / 1e6, inSteps / 1e6, (wall - inSteps) / 1e6,
                        launched ? "" : " (stage launch included)", p.perStep(size));
            }
            launched = true;
            return new StepResult(sums[BarrierRun.LOSS] / sums[BarrierRun.ROWS], (long) sums[BarrierRun.CORRECT],
                    Math.toIntExact((long) sums[BarrierRun.ROWS]));
        }

        /** The tasks' scores of their test rows, added up. */
        Evaluation evaluate() {
            Score score = Score.ZERO;
            for (StageLink.Reply r : command(StageLink.Command.EVALUATE_NOW)) {
                score = Score.add(score, Score.fromNumbers(r.numbers()));
            }
            return score.evaluation(objective.isClassification());
        }

        /**
         * Sends {@code command} to the current attempt's tasks (a new attempt first gets the
         * driver's state) and returns every task's reply, by rank.
         */
        private List<StageLink.Reply> command(StageLink.Command command) {
            StageLink.Reply[] replies = new StageLink.Reply[Math.max(size, 1)];
            int got = 0;
            if (attempt >= 0 && !link.send(attempt, command)) {
                lose(attempt);
            }
            while (true) {
                StageLink.Driver.Event event;
                try {
                    event = link.next(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the barrier stage trains", e);
                }
                if (event == null) {
                    if (job.isDone()) {
                        throw stageEnded();
                    }
                } else if (event instanceof StageLink.Driver.Met met) {
                    if (lost.contains(met.attempt())) {
                        link.drop(met.attempt());
                        continue;
                    }
                    if (attempt >= 0 && attempt != met.attempt()) {
                        lose(attempt);
                    }
                    if (!launched && Profile.enabled()) {
                        System.err.printf("profile: the barrier stage's tasks met %.1f ms after the job's submission%n", (System.nanoTime() - submitted) / 1e6);
                    }
                    attempt = met.attempt();
                    size = met.size();
                    replies = new StageLink.Reply[size];
                    got = 0;
                    if (!link.send(attempt, StageLink.Command.start(ParameterVector.values(network.parameters()), optimizer.state()))
                            || !link.send(attempt, command)) {
                        lose(attempt);
                    }
                } else if (event instanceof StageLink.Driver.Replied replied) {
                    if (replied.attempt() == attempt && replies[replied.reply().rank()] == null) {
                        replies[replied.reply().rank()] = replied.reply();
                        if (++got == size) {
                            return List.of(replies);
                        }
                    }
                } else if (event instanceof StageLink.Driver.Lost l) {
                    lost.add(l.attempt());
                    if (l.attempt() == attempt) {
                        lose(attempt);
                    }
                }
            }
        }

        /** The attempt failed: its tasks are told so by their closed connections, and the next attempt starts over. */
        private void lose(int failed) {
            lost.add(failed);
            link.drop(failed);
            if (failed == attempt) {
                attempt = -1;
            }
        }

        private RuntimeException stageEnded() {
            awaitJob();
            return new IllegalStateException("bug: the barrier stage ended before the driver stopped it");
        }

        /** Waits for the stage's job, and throws its failure. */
        private void awaitJob() {
            try {
                job.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("the barrier stage failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the barrier stage ended", e);
            }
        }

        /**
         * Tells the tasks to end and waits for the stage; an attempt that starts meanwhile (the
         * last one failed as it ended) is told to end too, instead of waiting for a start state.
         */
        void finish() {
            finished = true;
            if (attempt >= 0) {
                link.send(attempt, StageLink.Command.STOP_NOW);
            }
            try {
                while (!job.isDone()) {
                    if (link.next(1000) instanceof StageLink.Driver.Met met) {
                        link.send(met.attempt(), StageLink.Command.STOP_NOW);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the barrier stage ended", e);
            }
            awaitJob();
        }

        /** After a failure on the driver (a diverged run, a listener's error): the stage is cancelled. */
        @Override
        public void close() {
            try {
                if (!finished && !job.isDone()) {
                    job.cancel(true);
                }
            } finally {
                link.close();
                rendezvous.close();
            }
        }
    }

    private static <T> List<T> list(Iterator<T> items) {
        List<T> list = new ArrayList<>();
        items.forEachRemaining(list::add);
        return list;
    }

    /**
     * {@code test} in exactly {@code tasks} partitions, each zipped with one task's training rows
     * (cached and cut from its lineage, as the barrier stage needs).
     */
    private static JavaRDD<Shard> regroup(JavaRDD<Shard> test, int tasks) {
        if (test.getNumPartitions() == tasks) {
            return test;
        }
        JavaRDD<Shard> regrouped = test.coalesce(tasks, test.getNumPartitions() < tasks)
                .persist(test.context().isLocal() ? StorageLevel.MEMORY_ONLY() : StorageLevel.MEMORY_ONLY_2());
        regrouped.rdd().localCheckpoint();
        regrouped.count();
        return regrouped;
    }

    /** A barrier task's body as the Scala function {@code RDDBarrier.mapPartitions} takes. */
    private static final class RunTask extends AbstractFunction1<scala.collection.Iterator<BarrierRun.Rows>, scala.collection.Iterator<Object>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Replica replica;
        private final OptimizerFactory optimizers;
        private final BarrierRun.Setup setup;

        RunTask(Replica replica, OptimizerFactory optimizers, BarrierRun.Setup setup) {
            this.replica = replica;
            this.optimizers = optimizers;
            this.setup = setup;
        }

        @Override
        public scala.collection.Iterator<Object> apply(scala.collection.Iterator<BarrierRun.Rows> rows) {
            return CollectionConverters.asScala(BarrierRun.run(CollectionConverters.asJava(rows), replica, optimizers, setup));
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
