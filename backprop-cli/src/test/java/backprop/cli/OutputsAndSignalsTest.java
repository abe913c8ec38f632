package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: a second run on a locked folder, SIGTERM and SIGINT, and a failed write to standard output, in fresh JVMs. */
class OutputsAndSignalsTest {
    @TempDir
    Path dir;

    private Process start(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "backprop.cli.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private Process longRun(Path log) throws Exception {
        Process p = start(log, "train", "--data", "digits", "--epochs", "500", "--threads", "1", "--quiet", "--out", "run");
        Path state = dir.resolve("run/checkpoint/checkpoint.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && !Files.exists(state) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return p;
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSecondRunOnALockedFolderExitsTwoAtOnceAndSigtermSaysHowToResume() throws Exception {
        Path log = dir.resolve("log.txt");
        Process first = longRun(log);
        GradCommandTest.Result second = GradCommandTest.backprop(Map.of(), dir, "train", "--data", "iris", "--quiet", "--out", "run");
        assertThat(second.status()).as(second.err()).isEqualTo(2);
        assertThat(second.err()).startsWith("run: another run is writing to this folder");

        first.destroy();   // SIGTERM
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isEqualTo(143);
        assertThat(Files.readString(log)).matches("(?s)interrupted at epoch \\d+, step \\d+; resume with: backprop train --resume run\\R");

        GradCommandTest.Result resumed = GradCommandTest.backprop(Map.of(), dir, "train", "--resume", "run", "--epochs",
                Integer.toString(1 + new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("run/checkpoint/checkpoint.json")
                        .toFile()).path("epoch").asInt()), "--quiet");
        assertThat(resumed.status()).as(resumed.err()).isZero();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sigintExits130WithTheResumeLine() throws Exception {
        Path log = dir.resolve("log.txt");
        Process p = longRun(log);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(130);
        assertThat(Files.readString(log)).contains("; resume with: backprop train --resume run");
    }

    @Test
    void aFailedWriteToStandardOutputExitsOne() throws Exception {
        Path program = dir.resolve("p.bp");
        Files.writeString(program, "input x = 2\ny = x^2\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "backprop.cli.Main", "grad", program.toString()));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(new java.io.File("/dev/full")).redirectError(err.toFile()).start();
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(Files.readString(err)).startsWith("backprop: cannot write to standard output");
    }
}
