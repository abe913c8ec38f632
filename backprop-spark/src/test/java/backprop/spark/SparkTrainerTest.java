package backprop.spark;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.data.DataOptions;
import backprop.data.PreparedData;
import backprop.nn.Activation;
import backprop.nn.Mlp;
import backprop.nn.ParameterVector;
import backprop.nn.Sequential;
import backprop.optim.OptimizerSpec;
import backprop.optim.Schedule;
import backprop.tensor.DType;
import backprop.train.Evaluation;
import backprop.train.History;
import backprop.train.Objective;
import backprop.train.Trainer;
import backprop.train.TrainingListener;
import backprop.train.TrainingOptions;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training on Spark {@code local[2]} against core's single-machine trainer. */
class SparkTrainerTest {
    private static SparkSession spark;
    private static JavaSparkContext sc;
    private static final PreparedData digits = PreparedData.prepare("digits", DataOptions.DEFAULTS.withSeed(1), 0.2,
            PreparedData.Standardize.YES);

    @BeforeAll
    static void start() {
        // spark.task.cpus set: two tasks of one core, so that synchronous runs sum over ranks in memory (unset, local mode trains in one task)
        spark = SparkSession.builder().master("local[2]").appName("SparkTrainerTest").config("spark.task.cpus", "1")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static final Mlp MLP = new Mlp(64, List.of(32), 10, Activation.RELU, 0);

    private static Sequential network(Mlp mlp) {
        return mlp.build(DType.FLOAT32, new SplittableRandom(7), new SplittableRandom(7));
    }

    /** Adam as a factory of main code: the executors of a real cluster have main's classes, not the tests'. */
    private static OptimizerFactory adam() {
        return OptimizerFactory.of(new OptimizerSpec(OptimizerSpec.Kind.ADAM, 0.01, 0.9, 1e-3));
    }

    private static TrainingOptions options(int epochs) {
        return new TrainingOptions(epochs, 50, 3, Schedule.cosine(200, 0));
    }

    /** Core's trainer on the same rows with the same seed, options and optimizer. */
    static float[] singleMachine(int epochs) {
        Sequential local = network(MLP);
        new Trainer(local, Objective.CROSS_ENTROPY, adam().create(local.parameters()), options(epochs)).fit(digits.train(), null);
        return ParameterVector.values(local.parameters());
    }

    private static float[] onSpark(int partitions, int averageEvery, int epochs) {
        return onSpark(sc, partitions, averageEvery, epochs);
    }

    /** The same training on Spark, the rows cut into {@code partitions} runs; {@code averageEvery} as SparkTrainer's. */
    static float[] onSpark(JavaSparkContext sc, int partitions, int averageEvery, int epochs) {
        return onSpark(sc, partitions, averageEvery, epochs, MLP);
    }

    /** As {@link #onSpark(JavaSparkContext, int, int, int)} for another network, on batches of 10. */
    static float[] onSpark(JavaSparkContext sc, int partitions, int averageEvery, int epochs, Mlp mlp) {
        return onSpark(sc, partitions, averageEvery, epochs, mlp, List.of());
    }

    /** As {@link #onSpark(JavaSparkContext, int, int, int, Mlp)}, telling {@code listeners} of the loop's progress. */
    static float[] onSpark(JavaSparkContext sc, int partitions, int averageEvery, int epochs, Mlp mlp, List<TrainingListener> listeners) {
        SparkData data = SparkData.of(sc, digits.train(), null, partitions, null, "digits");
        try {
            Sequential net = network(mlp);
            TrainingOptions options = mlp == MLP ? options(epochs) : new TrainingOptions(epochs, 10, 3, Schedule.cosine(200, 0));
            new SparkTrainer(net, Objective.CROSS_ENTROPY, adam(), options, averageEvery).fit(data, listeners);
            return ParameterVector.values(net.parameters());
        } finally {
            data.unpersist();
        }
    }

    static double maxDifference(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** The heart of the module: the same global batches, the same steps, only float sums reordered. */
    @Test
    void synchronousTrainingEqualsSingleMachineTrainingOverTheSameBatches() {
        float[] local = singleMachine(1);
        float[] spark = onSpark(3, 0, 1);
        assertThat(maxDifference(local, spark)).isLessThan(1e-5);
        // and the comparison has teeth: another seed's batches end elsewhere
        assertThat(maxDifference(local, ParameterVector.values(network(MLP).parameters()))).isGreaterThan(1e-2);
    }

    /** With one partition a round of local steps is exactly the single machine's steps, state and all. */
    @Test
    void withSparkTaskCpusSetLocalModeRunsATaskPerSlot() {
        assertThat(SparkData.tasks(sc, true)).isEqualTo(2);
        assertThat(SparkData.threadsPerTask(sc, true)).isEqualTo(1);
    }

    @Test
    void averagingOnOnePartitionEqualsSingleMachineTraining() {
        assertThat(maxDifference(singleMachine(2), onSpark(1, 4, 2))).isLessThan(1e-5);
    }

    @Test
    void averagingOnSeveralPartitionsStillLearnsWithDropout() {
        Mlp withDropout = new Mlp(64, List.of(32), 10, Activation.RELU, 0.2);
        SparkData data = SparkData.of(sc, digits.train(), digits.test(), 2, null, "digits");
        try {
            Sequential net = network(withDropout);
            History h = new SparkTrainer(net, Objective.CROSS_ENTROPY, adam(), options(3), 5).fit(data, List.of());
            assertThat(h.epochs()).hasSize(3);
            assertThat(h.epochs().get(2).testAccuracy()).isGreaterThan(0.9);
            assertThat(h.epochs().get(2).samples()).isEqualTo(digits.train().size());
        } finally {
            data.unpersist();
        }
    }

    @Test
    void distributedEvaluationEqualsCoreEvaluation() {
        Sequential net = network(MLP);
        SparkData data = SparkData.of(sc, digits.train(), digits.test(), 3, null, "digits");
        try {
            Evaluation spark = new SparkTrainer(net, Objective.CROSS_ENTROPY, adam(), options(1), 0).evaluate(data.test());
            Evaluation local = Evaluation.of(net, Objective.CROSS_ENTROPY, digits.test(), 1024);
            assertThat(spark.size()).isEqualTo(local.size());
            assertThat(spark.loss()).isCloseTo(local.loss(), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(spark.accuracy()).isEqualTo(local.accuracy());
            assertThat(spark.confusion()).isDeepEqualTo(local.confusion());
        } finally {
            data.unpersist();
        }
    }
}
