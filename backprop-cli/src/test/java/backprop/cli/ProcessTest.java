package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import backprop.autograd.GradMode;
import backprop.data.DataOptions;
import backprop.data.DataSources;
import backprop.data.Dataset;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.io.Model;
import backprop.io.ModelFile;
import backprop.io.Prediction;
import backprop.io.SavedModel;
import backprop.nn.Dropout;
import backprop.nn.Init;
import backprop.nn.Linear;
import backprop.nn.Sequential;
import backprop.nn.Softplus;
import backprop.nn.Tanh;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import backprop.train.Evaluation;
import backprop.train.Objective;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code backprop} command as a user runs it: {@code bin/backprop} in a process of its own,
 * so exit statuses, the streams and {@code System.exit} are the real ones.
 */
class ProcessTest {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path SCRIPT = MODULE.getParent().resolve("bin/backprop");

    @TempDir
    static Path dir;

    record Run(int status, String out, String err) {}

    @BeforeAll
    static void needsTheBuiltCommand() {
        // bin/backprop runs target/classes with the jars the package phase copies to target/lib.
        assumeTrue(Files.isExecutable(SCRIPT) && Files.isDirectory(MODULE.resolve("target/lib")),
                "bin/backprop and target/lib are there once the module was packaged (mvn install)");
    }

    static Run backprop(String... args) throws IOException, InterruptedException {
        return backprop(Map.of(), args);
    }

    static Run backprop(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(environment);
        pb.environment().put("BACKPROP_NO_BUILD", "1");   // Maven owns target/ while the tests run
        pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("backprop finished within a minute").isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void versionPrintsTheProjectVersion() throws Exception {
        Run run = backprop("--version");
        assertThat(run.status()).isZero();
        assertThat(run.out()).matches("backprop \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
    }

    @Test
    void noArgumentsPrintsUsageListingEveryCommand() throws Exception {
        Run run = backprop();
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: backprop").contains("train").contains("evaluate").contains("predict")
                .contains("grad").contains("gradcheck").contains("datasets");
    }

    @Test
    void trainThenEvaluateAndPredictAsProcesses() throws Exception {
        Path model = dir.resolve("iris-model");
        Run train = backprop("train", "--data", "iris", "--epochs", "3", "--quiet", "--out", model.toString());
        assertThat(train.status()).as(train.err()).isZero();
        assertThat(train.out().lines()).hasSize(1);
        assertThat(train.err()).isEmpty();

        Run evaluate = backprop("evaluate", "--model", model.toString(), "--json");
        assertThat(evaluate.status()).as(evaluate.err()).isZero();
        assertThat(Fixtures.JSON.readTree(evaluate.out()).get("accuracy").doubleValue())
                .isEqualTo(Fixtures.json(model.resolve("metrics.json")).get("test_accuracy").doubleValue());

        Path rows = Files.writeString(dir.resolve("flowers.csv"),
                "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        Run predict = backprop("predict", "--model", model.toString(), "--input", rows.toString());
        assertThat(predict.status()).as(predict.err()).isZero();
        assertThat(predict.out().lines()).hasSize(3).first().asString().startsWith("class,p_");
    }

    /**
     * A network built by hand in Java, of every module type (nested, a linear layer without a
     * bias), saved with ModelFile.save: evaluate and predict load it and compute what the network
     * computes in memory, to the last bit, and so does Model.
     */
    @Test
    void aHandBuiltNetworkIsEvaluatedAndPredictedAsInMemory() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        Sequential net = new Sequential(new Linear(4, 8, true, Init.PYTORCH, DType.FLOAT32, rng), new Tanh(), new Dropout(0.1, rng),
                new Sequential(new Linear(8, 8, false, Init.PYTORCH, DType.FLOAT32, rng), new Softplus()),
                new Linear(8, 3, true, Init.PYTORCH, DType.FLOAT32, rng));
        net.eval();
        Dataset iris = DataSources.load("iris", DataOptions.DEFAULTS).train();
        Standardizer std = Standardizer.fit(iris);
        Path folder = dir.resolve("hand-built");
        ModelFile.save(folder, new SavedModel(net, Objective.CROSS_ENTROPY, Task.CLASSIFICATION, iris.featureNames(), iris.classNames(),
                std, Map.of()));

        int d = iris.numFeatures();
        float[] x = iris.features();
        StringBuilder csv = new StringBuilder(String.join(",", iris.featureNames())).append(",species\n");
        for (int i = 0; i < iris.size(); i++) {
            for (int j = 0; j < d; j++) {
                csv.append(x[i * d + j]).append(',');
            }
            csv.append(iris.classNames().get(iris.label(i))).append('\n');
        }
        Path rows = Files.writeString(dir.resolve("iris-rows.csv"), csv);

        float[] standardized = x.clone();
        std.transformInPlace(standardized);
        List<String> expected = new ArrayList<>(List.of("class,p_" + String.join(",p_", iris.classNames())));
        int[] classes = new int[iris.size()];
        try (var noGrad = GradMode.disabled()) {
            Tensor z = net.forward(Tensor.wrap(standardized, iris.size(), d));
            double[][] p = Objective.CROSS_ENTROPY.probabilities(z);
            Objective.CROSS_ENTROPY.classify(z, classes);
            for (int i = 0; i < iris.size(); i++) {
                StringBuilder line = new StringBuilder(iris.classNames().get(classes[i]));
                for (double v : p[i]) {
                    line.append(',').append(Decimals.format(v));
                }
                expected.add(line.toString());
            }
        }
        Run predict = backprop("predict", "--model", folder.toString(), "--input", rows.toString());
        assertThat(predict.status()).as(predict.err()).isZero();
        assertThat(predict.out().lines().toList()).isEqualTo(expected);

        Prediction inJava = Model.load(folder).predict(new float[][] {Arrays.copyOfRange(x, 0, d)});
        assertThat(inJava.className(0)).isEqualTo(expected.get(1).split(",")[0]);
        assertThat(Arrays.copyOfRange(expected.get(1).split(","), 1, 4))
                .containsExactly(Arrays.stream(inJava.probabilities(0)).mapToObj(Decimals::format).toArray(String[]::new));

        Evaluation inMemory = Evaluation.of(net, Objective.CROSS_ENTROPY, std.transform(iris), EvaluateCommand.BATCH);
        Run evaluate = backprop("evaluate", "--model", folder.toString(), "--data", rows.toString(), "--target", "species", "--json");
        assertThat(evaluate.status()).as(evaluate.err()).isZero();
        JsonNode report = Fixtures.JSON.readTree(evaluate.out());
        assertThat(report.get("rows").asInt()).isEqualTo(iris.size());
        assertThat(report.get("loss").doubleValue()).isEqualTo(inMemory.loss());
        assertThat(report.get("accuracy").doubleValue()).isEqualTo(inMemory.accuracy());
        Run tables = backprop("evaluate", "--model", folder.toString(), "--data", rows.toString(), "--target", "species");
        assertThat(tables.status()).as(tables.err()).isZero();
        assertThat(tables.out()).contains("(4-8-8-3 tanh, softplus, cross-entropy loss)");
    }

    /** The launcher gives train the Vector API module and keeps the JVM's warning about it off stderr. */
    @Test
    void trainRunsOnTheVectorApiWithoutTheJvmsWarning() throws Exception {
        assumeTrue(ModuleFinder.ofSystem().find("jdk.incubator.vector").isPresent() && hasFma(),
                "a Java runtime with the Vector API module, on a CPU with FMA");
        String[] train = {"train", "--data", "iris", "--epochs", "1", "--out", dir.resolve("vector").toString()};
        Run vector = backprop(Map.of("BACKPROP_JAVA_OPTS", "-Dbackprop.kernels=java"), train);
        assertThat(vector.status()).as(vector.err()).isZero();
        assertThat(vector.err()).contains("; java-vector kernels, ").doesNotContain("WARNING");

        Run plain = backprop(Map.of("BACKPROP_JAVA_OPTS", "-Dbackprop.kernels=java", "BACKPROP_VECTOR", "no"), train);
        assertThat(plain.status()).as(plain.err()).isZero();
        assertThat(plain.err()).contains("; java kernels, ").doesNotContain("WARNING");
    }

    /** Stopping the launcher (SIGTERM, as a supervisor or timeout(1) does) stops the training JVM it started. */
    @Test
    void terminatingTheLauncherStopsTraining() throws Exception {
        Path out = dir.resolve("terminated");
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "train", "--data", "spirals", "--epochs", "100000",
                "--quiet", "--out", out.toString()).directory(dir.toFile());
        pb.environment().put("BACKPROP_NO_BUILD", "1");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.isDirectory(out.resolve("checkpoint")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<ProcessHandle> started = p.descendants().toList();   // java and the stderr filter, unless java replaced the script

        p.destroy();   // SIGTERM to the launcher only, not to its process group
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        for (ProcessHandle child : started) {
            assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("child %s ended", child.pid()).isFalse();
        }
    }

    private static boolean hasFma() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return System.getProperty("os.arch").equals("aarch64")
                || Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains(" fma");
    }

    @Test
    void badInputExitsTwoWithoutAStackTrace() throws Exception {
        Run run = backprop("train", "--lr", "0", "--data", "iris");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("--lr: must be a number > 0; got 0.0\n").doesNotContain("at backprop.");
        Run missing = backprop("predict", "--model", dir.resolve("none").toString(), "--input", "x.csv");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).startsWith(dir.resolve("none").toString()).doesNotContain("at backprop.");
    }
}
