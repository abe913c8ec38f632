package backprop.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit entry point on {@code local[2]}: the options and files of backprop train. */
class SparkTrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;
    @TempDir
    static Path data;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("SparkTrainCommandTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        DigitsCsv.write(data);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static String csv(String name) {
        return data.resolve(name).toString();
    }

    private static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    @Test
    void aSynchronousRunInLocalModeIsOneTaskWithAllItsCores() {
        var sc = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        assertThat(SparkData.tasks(sc, true)).isEqualTo(1);
        assertThat(SparkData.threadsPerTask(sc, true)).isEqualTo(2);
        // model averaging's tasks are its method: one per slot
        assertThat(SparkData.tasks(sc, false)).isEqualTo(2);
        assertThat(SparkData.threadsPerTask(sc, false)).isEqualTo(1);
    }

    @Test
    void aModelTrainedOnSparkIsEvaluatedByBackpropEvaluate(@TempDir Path out) throws IOException {
        Run run = Run.sparkTrain("--data", csv("train.csv"), "--test-data", csv("test.csv"), "--hidden", "32",
                "--lr", "0.01", "--epochs", "2", "--batch-size", "64", "--out", out.toString());
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).contains("test accuracy");
        assertThat(run.err()).contains("epoch 2/2");
        JsonNode metrics = json(out.resolve("metrics.json"));
        assertThat(metrics.path("epochs")).hasSize(2);
        assertThat(metrics.path("test_accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(metrics.path("samples_per_second").asDouble()).isPositive();
        assertThat(out.resolve("curves.png")).exists();

        Run evaluate = Run.backprop("evaluate", "--model", out.toString(), "--data", csv("test.csv"), "--json");
        assertThat(evaluate.status()).as(evaluate.toString()).isZero();
        assertThat(JSON.readTree(evaluate.out()).path("accuracy").asDouble())
                .isEqualTo(metrics.path("test_accuracy").asDouble());
        Run predict = Run.backprop("predict", "--model", out.toString(), "--input", csv("test.csv"));
        assertThat(predict.status()).as(predict.toString()).isZero();
    }

    /**
     * A run stopped after its first epoch goes on with --resume from the checkpoint the driver
     * wrote, and ends with the weights of the run never stopped: with the checkpoint in the run
     * folder, in a local folder given as --checkpoint, and on a Hadoop file system (file://),
     * resumed from the run folder or the checkpoint's location. (The stopped run is a one-epoch run
     * whose checkpoint is then made to record three epochs, as a killed three-epoch run's would:
     * with a constant learning rate its first epoch is the same.)
     */
    @Test
    void aStoppedRunResumesToTheUninterruptedRunsWeights(@TempDir Path work) throws IOException {
        String[] run = {"--data", csv("train.csv"), "--test-data", csv("test.csv"), "--hidden", "32", "--lr", "0.01",
            "--batch-size", "64", "--partitions", "2", "--quiet"};
        Path whole = work.resolve("whole");
        Run uninterrupted = Run.sparkTrain(concat(run, "--epochs", "3", "--out", whole.toString()));
        assertThat(uninterrupted.status()).as(uninterrupted.toString()).isZero();

        Path local = work.resolve("local-checkpoint");
        Path hadoop = work.resolve("hadoop-checkpoint");
        String[][] cases = {
            {"run folder", null, null},
            {"local folder", local.toString(), local.toString()},
            {"file:// URI", hadoop.toUri().toString(), hadoop.toUri().toString()},
        };
        for (String[] c : cases) {
            Path stopped = work.resolve("stopped-" + c[0].replace(' ', '-').replace(":", "").replace("/", ""));
            String[] args = concat(run, "--epochs", "1", "--out", stopped.toString());
            Run first = Run.sparkTrain(c[1] == null ? args : concat(args, "--checkpoint", c[1]));
            assertThat(first.status()).as(c[0] + first).isZero();
            Path folder = c[1] == null ? stopped.resolve("checkpoint") : c[0].startsWith("file") ? hadoop : local;
            Path state = folder.resolve("checkpoint.json");
            assertThat(folder.resolve("checkpoint.safetensors")).as(c[0]).exists();
            assertThat(stopped.resolve("checkpoint").toFile().exists()).as(c[0]).isEqualTo(c[1] == null);
            Files.writeString(state, Files.readString(state).replace("\"--epochs\", \"1\"", "\"--epochs\", \"3\""));
            assertThat(Files.readString(state)).contains("\"--epochs\", \"3\"");
            // Hadoop's local file system checks its own checksum of every file it reads; the edit invalidated it
            Files.deleteIfExists(folder.resolve(".checkpoint.json.crc"));

            Run resumed = Run.sparkTrain("--resume", c[2] == null ? stopped.toString() : c[2], "--quiet");
            assertThat(resumed.status()).as(c[0] + resumed).isZero();
            assertThat(json(stopped.resolve("metrics.json")).path("epochs")).as(c[0]).hasSize(3);
            assertThat(Files.readAllBytes(stopped.resolve("model.safetensors"))).as(c[0])
                    .isEqualTo(Files.readAllBytes(whole.resolve("model.safetensors")));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aLocalModelIsFineTunedOnSparkFromParquet(@TempDir Path work) throws IOException {
        Path local = work.resolve("local");
        Run train = Run.backprop("train", "--data", csv("train.csv"), "--hidden", "32", "--epochs", "1",
                "--batch-size", "256", "--quiet", "--out", local.toString());
        assertThat(train.status()).as(train.toString()).isZero();
        Path parquet = work.resolve("train.parquet");
        spark.read().option("header", true).option("inferSchema", true).csv(csv("train.csv")).write().parquet(parquet.toString());

        Path tuned = work.resolve("tuned");
        Run run = Run.sparkTrain("--data", parquet.toString(), "--test-data", csv("test.csv"), "--init-model", local.toString(),
                "--epochs", "1", "--lr", "0.01", "--average-every", "4", "--quiet", "--out", tuned.toString());
        assertThat(run.status()).as(run.toString()).isZero();
        double before = JSON.readTree(Run.backprop("evaluate", "--model", local.toString(), "--data", csv("test.csv"), "--json").out())
                .path("accuracy").asDouble();
        double after = json(tuned.resolve("metrics.json")).path("test_accuracy").asDouble();
        assertThat(after).isGreaterThan(before);
        // the start's standardizer and classes are kept, not refitted
        JsonNode a = json(local.resolve("model.json"));
        JsonNode b = json(tuned.resolve("model.json"));
        assertThat(b.path("preprocessing")).isEqualTo(a.path("preprocessing"));
        assertThat(b.path("classes")).isEqualTo(a.path("classes"));
    }

    /** The task and classes are inferred from the target as core's CSV reader does, with every class kept. */
    @Test
    void targetsAreReadAsBackpropTrainReadsThem(@TempDir Path dir) throws IOException {
        StringBuilder csv = new StringBuilder("x,whole,fraction,name\n");
        for (int i = 0; i < 50; i++) {
            csv.append(i).append(',').append(i % 2).append(',').append(i / 10.0).append(",c").append(24 - i % 25).append('\n');
        }
        Path file = dir.resolve("targets.csv");
        Files.writeString(file, csv);
        var frame = spark.read().option("header", true).option("inferSchema", true).csv(file.toString());
        SparkData names = FrameData.of(frame, frame, 0.2, 1, new FrameData.Reading("t", "name", null, null, false, null, null));
        assertThat(names.task()).isEqualTo(backprop.data.Task.CLASSIFICATION);
        assertThat(names.classNames()).hasSize(25).startsWith("c0", "c1", "c10").endsWith("c8", "c9");   // by name, as core sorts them
        assertThat(names.trainSize()).isEqualTo(50);
        assertThat(names.featureNames()).containsExactly("x", "whole", "fraction");
        SparkData whole = FrameData.of(frame.drop("name"), frame.drop("name"), 0.2, 1,
                new FrameData.Reading("t", "whole", null, null, false, null, null));
        assertThat(whole.classNames()).containsExactly("0", "1");
        SparkData fraction = FrameData.of(frame.drop("name"), frame.drop("name"), 0.2, 1,
                new FrameData.Reading("t", null, null, null, true, null, null));
        assertThat(fraction.task()).isEqualTo(backprop.data.Task.REGRESSION);
        assertThat(fraction.standardizer().means()).containsExactly(24.5f, 0.5f);
        java.util.List.of(names, whole, fraction).forEach(SparkData::unpersist);
    }

    @Test
    void badInputIsOneMessageAndExitStatusTwo(@TempDir Path dir) throws IOException {
        Run missing = Run.sparkTrain("--data", dir.resolve("nope.csv").toString(), "--quiet");
        assertThat(missing.status()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.csv").doesNotContain("\tat ");

        Path words = dir.resolve("words.csv");
        Files.writeString(words, "a,b,label\n1,x,0\n2,y,1\n3,z,0\n4,w,1\n");
        Run notNumeric = Run.sparkTrain("--data", words.toString(), "--quiet");
        assertThat(notNumeric.status()).as(notNumeric.toString()).isEqualTo(2);
        assertThat(notNumeric.err()).contains("column 'b' must be numeric").doesNotContain("\tat ");

        Path holes = dir.resolve("holes.csv");
        Files.writeString(holes, "a,b,label\n1,2,0\n2,,1\n3,4,0\n4,5,1\n5,6,0\n6,7,1\n");
        Run empty = Run.sparkTrain("--data", holes.toString(), "--test-data", holes.toString(), "--quiet");
        assertThat(empty.status()).as(empty.toString()).isEqualTo(2);
        assertThat(empty.err()).isEqualTo(holes + ":3: column 'b' (field 2): expected a number; got a missing value\n");

        Run wide = Run.sparkTrain("--data", "digits", "--dtype", "float64", "--quiet");
        assertThat(wide.status()).isEqualTo(2);
        assertThat(wide.err()).contains("--dtype: Spark training exchanges float32 weights");
    }

    /**
     * Issue 17: a ragged row or a NaN cell in a local CSV is the message backprop train gives, with
     * the line and the column, and exit 2, where Spark's own failure named neither (or trained on NaN).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "a,b,label\n1,2,0\n2,3\n3,4,0\n4,5,1\n",
        "a,b,label\n1,2,0\n2,3,1\n3,4,0,9\n4,5,1\n",
        "a,b,label\n1,2,0\n2,NaN,1\n3,4,0\n4,5,1\n",
        "a,b,label\n1,2,0\n2,Infinity,1\n3,4,0\n4,5,1\n",
        "a,b,y\n1,2,0.5\n2,3,1.5\n3,4,NaN\n4,5,2.5\n"})
    void raggedRowsAndNaNCellsAreNamedAsBackpropTrainNamesThem(String text, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, text);
        String before = Files.readString(file);
        Run local = Run.backprop("train", "--data", file.toString(), "--quiet", "--out", dir.resolve("local").toString());
        Run onSpark = Run.sparkTrain("--data", file.toString(), "--quiet", "--out", dir.resolve("spark").toString());
        assertThat(local.status()).as(local.toString()).isEqualTo(2);
        assertThat(local.err()).startsWith(file + ":");
        assertThat(onSpark.status()).as(onSpark.toString()).isEqualTo(2);
        assertThat(onSpark.err()).as(onSpark.toString()).isEqualTo(local.err()).hasSizeLessThan(300);
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    /**
     * Issue 17: spark-submit's main with Spark's default logging (no log4j2.properties of the tests'
     * on the class path) prints the run's own lines, not Spark's INFO lines or a stack trace.
     */
    @Test
    void aCleanRunThroughMainPrintsNoSparkLogging(@TempDir Path dir) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-")).forEach(command::add);
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.contains("test-classes")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        command.addAll(java.util.List.of("-Dspark.master=local[2]", "-Dspark.ui.enabled=false", "-cp", classPath,
                SparkTrainCommand.class.getName(), "--data", csv("train.csv"), "--epochs", "1", "--out", dir.resolve("run").toString()));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(err);
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("epoch 1/1").doesNotContain(" INFO ").doesNotContain("\tat ").doesNotContain("Exception");
    }
}
