package backprop.spark;

import backprop.data.Dataset;
import backprop.data.Standardizer;
import backprop.data.Task;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * Training and test rows spread over Spark partitions, one cached {@link Shard} per partition, with
 * what a model file records about them: feature and class names, task, standardization, source.
 * Training rows are numbered {@code 0 .. trainSize-1} across the partitions in partition order.
 *
 * @param test the held-out rows, or null when there are none
 * @param standardizer the standardization already applied to both, or null
 */
public record SparkData(JavaRDD<Shard> train, JavaRDD<Shard> test, long trainSize, long testSize,
                        List<String> featureNames, List<String> classNames, Task task, Standardizer standardizer,
                        String source) {

    /**
     * Core data sets (already split and standardized, as {@code PreparedData} makes them) cut into
     * {@code partitions} runs of consecutive rows: row {@code i} of {@code train} is global row {@code i}.
     */
    public static SparkData of(JavaSparkContext sc, Dataset train, Dataset test, int partitions, Standardizer standardizer,
                               String source) {
        return new SparkData(parallelize(sc, train, partitions), test == null ? null : parallelize(sc, test, partitions),
                train.size(), test == null ? 0 : test.size(), train.featureNames(), train.classNames(), train.task(),
                standardizer, source);
    }

    /** The number of classes for classification; 0 for regression. */
    public int numClasses() {
        return classNames.size();
    }

    public int numFeatures() {
        return featureNames.size();
    }

    /** Frees the cached partitions. */
    public void unpersist() {
        train.unpersist(false);
        if (test != null) {
            test.unpersist(false);
        }
    }

    private static JavaRDD<Shard> parallelize(JavaSparkContext sc, Dataset data, int partitions) {
        List<Shard> shards = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int from = (int) ((long) data.size() * p / partitions);
            int to = (int) ((long) data.size() * (p + 1) / partitions);
            shards.add(Shard.of(data, from, to));
        }
        // A parallelized RDD keeps the whole collection in a field, and every job's tasks would carry it
        // along; a checkpointed child forgets its parent, so only the first job ships the rows.
        return cache(sc.parallelize(shards, partitions).map(s -> s));
    }

    /**
     * {@code train}, or its shards regrouped into as many partitions as the run has tasks
     * ({@link #tasks}): a barrier stage starts all its tasks together, one per partition, and
     * cannot start with more. A task may then hold several shards.
     */
    static JavaRDD<Shard> oneShardGroupPerTask(JavaRDD<Shard> train, boolean synchronous) {
        int tasks = tasks(JavaSparkContext.fromSparkContext(train.context()), synchronous);
        return train.getNumPartitions() <= tasks ? train : cache(train.coalesce(tasks));
    }

    /**
     * The barrier stage's tasks: one per task slot (the cores over {@code spark.task.cpus}), except
     * for a synchronous run in local mode with {@code spark.task.cpus} unset, which is one task
     * with all of {@code local[N]}'s cores ({@link #threadsPerTask}). Tasks that share a JVM would
     * split each batch in fixed shares and wait for each other at every step; one task's kernels
     * split each product between their threads as they come free. On a loaded 2-core machine
     * two tasks of {@code local[2]} ran W1 at 0.60-0.90x the speed of {@code backprop train},
     * one task with both cores at 0.94-1.05x (docs/scaling.md). Model averaging keeps a task per
     * slot: its tasks' separate local steps are the method.
     */
    static int tasks(JavaSparkContext sc, boolean synchronous) {
        return oneTaskForTheJvm(sc, synchronous) ? 1 : Math.max(1, sc.defaultParallelism() / sc.getConf().getInt("spark.task.cpus", 1));
    }

    /** The kernel threads of each of the {@link #tasks}: their {@code spark.task.cpus}, or all of local mode's cores for its one task. */
    static int threadsPerTask(JavaSparkContext sc, boolean synchronous) {
        return oneTaskForTheJvm(sc, synchronous) ? sc.defaultParallelism() : sc.getConf().getInt("spark.task.cpus", 1);
    }

    private static boolean oneTaskForTheJvm(JavaSparkContext sc, boolean synchronous) {
        return synchronous && sc.isLocal() && !sc.getConf().contains("spark.task.cpus");
    }

    /**
     * {@code rows} cached, computed once, and cut from their lineage (the parallelized rows, or a
     * regrouping that a barrier stage may not contain). On a cluster each partition is kept on two
     * executors: a local checkpoint cannot be recomputed, and the copy is what lets a run go on
     * when an executor is lost.
     */
    private static JavaRDD<Shard> cache(JavaRDD<Shard> rows) {
        JavaRDD<Shard> cached = rows.persist(rows.context().isLocal() ? StorageLevel.MEMORY_ONLY() : StorageLevel.MEMORY_ONLY_2());
        cached.rdd().localCheckpoint();
        cached.count();
        return cached;
    }
}
