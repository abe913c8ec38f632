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
import backprop.train.EpochMetrics;
import backprop.train.History;
import backprop.train.TrainingListener;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
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
     * An executor's JVM killed in the middle of the second epoch: the run's barrier stage fails,
     * Spark reruns it on the worker's new executor, its tasks start from the driver's state after
     * the first epoch (what the checkpoint holds), and the run ends with the weights of the same
     * run uninterrupted, bit for bit.
     */
    @Test
    void aRunThatLosesAnExecutorMidEpochEndsWithTheUninterruptedRunsWeights() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        float[] uninterrupted = SparkTrainerTest.onSpark(sc, 2, 0, 3, SLOW);
        FailedAttempts attempts = new FailedAttempts();
        spark.sparkContext().addSparkListener(attempts);
        AtomicLong killed = new AtomicLong();
        TrainingListener killInEpochTwo = new TrainingListener() {
            @Override
            public void afterEpoch(EpochMetrics metrics, History history) {
                if (metrics.epoch() == 1) {
                    // the driver sends epoch 2 as this returns; the kill lands in its middle
                    new Thread(() -> {
                        sleep(300);
                        killed.set(cluster.killExecutors(2));
                    }, "kill-executor").start();
                }
            }
        };
        float[] interrupted;
        try {
            interrupted = SparkTrainerTest.onSpark(sc, 2, 0, 3, SLOW, List.of(killInEpochTwo));
        } finally {
            spark.sparkContext().removeSparkListener(attempts);
        }
        assertThat(killed.get()).as("executors killed" + cluster.logs()).isEqualTo(1);
        assertThat(attempts.failed.get()).as("the run's barrier stage failed and was rerun").isGreaterThanOrEqualTo(1);
        assertThat(interrupted).isEqualTo(uninterrupted);
    }

    /** A wider network on smaller batches than the other tests: an epoch of 144 steps that lasts long enough to be hit. */
    private static final Mlp SLOW = new Mlp(64, List.of(512, 256), 10, Activation.RELU, 0);

    /** Counts the failed attempts of the run's barrier stage. */
    private static final class FailedAttempts extends SparkListener {
        final AtomicInteger failed = new AtomicInteger();

        @Override
        public void onStageCompleted(SparkListenerStageCompleted completed) {
            if (completed.stageInfo().failureReason().isDefined()) {
                failed.incrementAndGet();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
