package backprop.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import backprop.nn.Activation;
import backprop.nn.Mlp;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on a real standalone cluster on loopback: a Master and two Workers, each its own JVM,
 * with one single-core executor each. The application's classes reach the executors as jars
 * ({@code spark.jars}): this module's packaged jar, core and app.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StandaloneClusterIT {
    @TempDir
    static Path dir;
    private static StandaloneCluster cluster;
    private static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        cluster = StandaloneCluster.start(dir.resolve("spark-home"), 2);
        try {
            spark = cluster.session("StandaloneClusterIT", "512m");
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the application on the cluster\n" + cluster.logs(), e);
        }
        DigitsCsv.write(dir);
    }

    @AfterAll
    static void stop() {
        try {
            if (spark != null) {
                spark.stop();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void twoWorkersTrainAndTheModelIsTheSameFile() throws IOException {
        Path out = dir.resolve("run");
        Run run = Run.sparkTrain("--data", dir.resolve("train.csv").toString(), "--test-data", dir.resolve("test.csv").toString(),
                "--partitions", "2", "--hidden", "32", "--lr", "0.02", "--epochs", "1", "--batch-size", "128", "--quiet",
                "--out", out.toString());
        assertThat(run.status()).as(run + cluster.logs()).isZero();

        List<String> executorHosts = new ArrayList<>();
        for (SparkExecutorInfo e : spark.sparkContext().statusTracker().getExecutorInfos()) {
            executorHosts.add(e.host() + ":" + e.port());
        }
        assertThat(executorHosts).as("the driver and one executor per worker").hasSize(3).allMatch(h -> h.startsWith("127.0.0.1:"));

        double accuracy = new ObjectMapper().readTree(out.resolve("metrics.json").toFile()).path("test_accuracy").asDouble();
        assertThat(accuracy).isGreaterThan(0.8);
        Run evaluate = Run.backprop("evaluate", "--model", out.toString(), "--data", dir.resolve("test.csv").toString(), "--json");
        assertThat(new ObjectMapper().readTree(evaluate.out()).path("accuracy").asDouble()).isEqualTo(accuracy);
    }

    /**
     * An executor's JVM killed in the middle of an epoch: Spark reruns the epoch's barrier stage
     * from its start (the state of the last checkpoint) on the worker's new executor, and the run
     * ends with the weights of the same run uninterrupted, bit for bit.
     */
    @Test
    void aRunThatLosesAnExecutorMidEpochEndsWithTheUninterruptedRunsWeights() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        float[] uninterrupted = SparkTrainerTest.onSpark(sc, 2, 0, 3, SLOW);
        KillMidEpoch kill = new KillMidEpoch(2);
        spark.sparkContext().addSparkListener(kill);
        float[] interrupted;
        try {
            interrupted = SparkTrainerTest.onSpark(sc, 2, 0, 3, SLOW);
        } finally {
            spark.sparkContext().removeSparkListener(kill);
        }
        assertThat(kill.killed.get()).as("executors killed" + cluster.logs()).isEqualTo(1);
        assertThat(kill.failedAttempts.get()).as("the epoch's barrier stage failed and was rerun").isGreaterThanOrEqualTo(1);
        assertThat(interrupted).isEqualTo(uninterrupted);
    }

    /** A wider network on smaller batches than the other tests: an epoch of 144 steps that lasts long enough to be hit. */
    private static final Mlp SLOW = new Mlp(64, List.of(512, 256), 10, Activation.RELU, 0);

    /** Kills worker 2's executor shortly after both tasks of epoch {@code epoch}'s barrier stage started. */
    private static final class KillMidEpoch extends SparkListener {
        private final String description;
        private final AtomicInteger stage = new AtomicInteger(-1);
        private final AtomicInteger started = new AtomicInteger();
        final AtomicLong killed = new AtomicLong();
        final AtomicInteger failedAttempts = new AtomicInteger();

        KillMidEpoch(int epoch) {
            this.description = "backprop: epoch " + epoch + ",";
        }

        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
            String job = submitted.properties() == null ? null : submitted.properties().getProperty("spark.job.description");
            // the job's first stage is the barrier stage; its result stage comes after it
            if (job != null && job.startsWith(description)) {
                stage.compareAndSet(-1, submitted.stageInfo().stageId());
            }
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart task) {
            if (task.stageId() == stage.get() && task.stageAttemptId() == 0 && started.incrementAndGet() == 2) {
                new Thread(() -> {
                    sleep(150);
                    killed.set(cluster.killExecutors(2));
                }, "kill-executor").start();
            }
        }

        @Override
        public void onStageCompleted(SparkListenerStageCompleted completed) {
            if (completed.stageInfo().stageId() == stage.get() && completed.stageInfo().failureReason().isDefined()) {
                failedAttempts.incrementAndGet();
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void synchronousTrainingOnTheClusterEqualsSingleMachineTraining() {
        // the same comparison as SparkTrainerTest, with the partitions on two other JVMs
        float[] local = SparkTrainerTest.singleMachine(1);
        float[] spread = SparkTrainerTest.onSpark(new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()), 2, 0, 1);
        assertThat(SparkTrainerTest.maxDifference(local, spread)).isLessThan(1e-5);
    }
}
