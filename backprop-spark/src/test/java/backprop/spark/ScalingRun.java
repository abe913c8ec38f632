package backprop.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The runs of docs/scaling.md: the Spark trainer on {@code local[N]}, or on a standalone cluster of
 * N workers started here on loopback ({@code cluster:N}, one single-core executor per worker), with
 * the options of backprop train. Usage: {@code ScalingRun local[2]|cluster:2 TRAIN-OPTIONS...}, or
 * {@code ScalingRun local[2]|cluster:2 --exchange ROUNDS} for {@link ExchangeCost}'s measurements.
 */
public final class ScalingRun {
    private ScalingRun() {}

    public static void main(String[] args) throws Exception {
        String where = args[0];
        String[] options = Arrays.copyOfRange(args, 1, args.length);
        int status;
        if (where.startsWith("cluster:")) {
            Path home = Files.createTempDirectory("backprop-spark-home");
            try (StandaloneCluster cluster = StandaloneCluster.start(home, Integer.parseInt(where.substring(8)), "3g")) {
                SparkSession spark = cluster.session("ScalingRun", "2500m");
                try {
                    status = run(spark, options);
                } finally {
                    spark.stop();
                }
            }
        } else {
            SparkSession spark = SparkSession.builder().master(where).appName("ScalingRun").config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1").getOrCreate();
            try {
                status = run(spark, options);
            } finally {
                spark.stop();
            }
        }
        System.exit(status);
    }

    private static int run(SparkSession spark, String[] options) {
        if (options.length == 2 && options[0].equals("--exchange")) {
            // a first job waits for every executor (minRegisteredResourcesRatio), so that the parallelism counts them all
            JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(java.util.List.of(1)).count();
            ExchangeCost.run(spark, spark.sparkContext().defaultParallelism(), Integer.parseInt(options[1]));
            return 0;
        }
        return SparkTrainCommand.run(options);
    }
}
