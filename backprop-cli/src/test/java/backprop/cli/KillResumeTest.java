package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a run with early stopping, a learning-rate schedule and dropout, killed with SIGKILL
 * at 20 random moments and resumed after each, ends bit for bit as the uninterrupted run does,
 * after the same number of epochs. A run that finishes between kills is compared and started over.
 */
class KillResumeTest {
    private static final String[] RUN = {"train", "--data", "digits", "--hidden", "16", "--epochs", "30", "--batch-size", "16",
        "--early-stopping", "4", "--schedule", "cosine", "--dropout", "0.2", "--optimizer", "adam", "--lr", "0.01",
        "--threads", "1", "--quiet"};
    private static final int KILLS = 20;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void twentyRandomKillsThenResumeGiveTheUninterruptedWeights() throws Exception {
        Path whole = dir.resolve("whole");
        GradCommandTest.Result reference = GradCommandTest.backprop(Map.of(), dir, with(RUN, "--out", whole.toString()));
        assertThat(reference.status()).as(reference.err()).isZero();

        Random random = new Random(17);
        Path killed = dir.resolve("killed");
        int kills = 0;
        int compared = 0;
        while (kills < KILLS) {
            boolean resume = Files.exists(killed.resolve("checkpoint").resolve("checkpoint.json"));
            String[] args = resume ? new String[] {"train", "--resume", killed.toString(), "--quiet"} : with(RUN, "--out", killed.toString());
            Process p = start(args);
            // a random moment: mostly while training, sometimes during start-up or a checkpoint's writing
            p.waitFor(300 + random.nextInt(1500), TimeUnit.MILLISECONDS);
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor();
                kills++;
                continue;
            }
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("last-run.log"))).isZero();
            sameAsUninterrupted(killed, whole);
            compared++;
            deleteRecursively(killed);
        }
        GradCommandTest.Result last = GradCommandTest.backprop(Map.of(), dir, Files.exists(killed.resolve("checkpoint/checkpoint.json"))
                ? new String[] {"train", "--resume", killed.toString(), "--quiet"} : with(RUN, "--out", killed.toString()));
        assertThat(last.status()).as(last.err()).isZero();
        sameAsUninterrupted(killed, whole);
        assertThat(kills + compared).isGreaterThanOrEqualTo(KILLS);
    }

    private static void sameAsUninterrupted(Path killed, Path whole) throws Exception {
        assertThat(Files.readAllBytes(killed.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(whole.resolve("model.safetensors")));
        assertThat(epochs(killed)).as("early stopping ended both at the same epoch").isEqualTo(epochs(whole));
    }

    private static int epochs(Path run) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.resolve("metrics.json").toFile()).path("epochs").size();
    }

    private Process start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "backprop.cli.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("last-run.log").toFile()).start();
    }

    private static String[] with(String[] run, String... more) {
        List<String> all = new ArrayList<>(List.of(run));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void deleteRecursively(Path folder) throws Exception {
        try (var paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
