package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
