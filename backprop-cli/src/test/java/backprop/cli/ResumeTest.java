package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A run killed with SIGKILL and resumed ends with the same weights, bit for bit, as one never interrupted. */
class ResumeTest {
    private static final String[] RUN = {"train", "--data", "digits", "--epochs", "8", "--dropout", "0.1",
        "--optimizer", "momentum", "--lr", "0.05", "--schedule", "cosine", "--threads", "2", "--quiet"};

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRunKilledMidwayResumesToTheSameWeights() throws Exception {
        Path killed = dir.resolve("killed");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "backprop.cli.Main"));
        command.addAll(List.of(RUN));
        command.addAll(List.of("--out", killed.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        Path state = killed.resolve("checkpoint").resolve("checkpoint.json");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (p.isAlive() && !(Files.exists(state) && Files.readString(state).contains("\"epoch\" : 2,"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.destroyForcibly();   // SIGKILL: no shutdown hooks, no chance to tidy up
        p.waitFor();
        assertThat(Files.exists(killed.resolve("model.json"))).as("killed before finishing").isFalse();

        GradCommandTest.Result resumed = GradCommandTest.backprop("train", "--resume", killed.toString(), "--quiet");
        assertThat(resumed.status()).as(resumed.err()).isZero();

        Path whole = dir.resolve("whole");
        List<String> args = new ArrayList<>(List.of(RUN));
        args.addAll(List.of("--out", whole.toString()));
        GradCommandTest.Result uninterrupted = GradCommandTest.backprop(args.toArray(String[]::new));
        assertThat(uninterrupted.status()).as(uninterrupted.err()).isZero();

        assertThat(Files.readAllBytes(killed.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(whole.resolve("model.safetensors")));
    }

    @Test
    void resumingAFolderWithoutACheckpointSaysWhatIsMissing() {
        GradCommandTest.Result r = GradCommandTest.backprop("train", "--resume", dir.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("checkpoint.json: missing; --resume needs the folder of a run that saved at least one epoch")
                .doesNotContain("at backprop.");
    }
}
