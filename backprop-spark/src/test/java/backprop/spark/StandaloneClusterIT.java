package backprop.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkExecutorInfo;
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

    @Test
    void synchronousTrainingOnTheClusterEqualsSingleMachineTraining() {
        // the same comparison as SparkTrainerTest, with the partitions on two other JVMs
        float[] local = SparkTrainerTest.singleMachine(1);
        float[] spread = SparkTrainerTest.onSpark(new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()), 2, 0, 1);
        assertThat(SparkTrainerTest.maxDifference(local, spread)).isLessThan(1e-5);
    }
}
