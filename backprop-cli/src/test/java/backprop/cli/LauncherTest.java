package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 17, through bin/backprop as a shell runs it: signals to the launcher's pid, a pipe as data, a compressed file past the heap. */
class LauncherTest {
    @TempDir
    Path dir;

    @BeforeEach
    void launcherIsBuilt() {
        assumeTrue(Files.isExecutable(ProcessTest.SCRIPT) && Files.isDirectory(ProcessTest.MODULE.resolve("target/lib")),
                "bin/backprop and target/lib are there once the module was packaged");
    }

    /** Runs {@code script} in bash with $0 the launcher, in {@link #dir}, and returns its exit status. */
    private int bash(String script, String javaOptions) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, ProcessTest.SCRIPT.toString()).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("BACKPROP_NO_BUILD", "1");
        pb.environment().put("BACKPROP_JAVA_OPTS", javaOptions);
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("bash ended").isTrue();
        return p.exitValue();
    }

    private String err() throws Exception {
        return Files.readString(dir.resolve("err.txt"));
    }

    /**
     * A job that a script starts with {@code &} begins with INT ignored, which bash can then neither
     * trap nor reset: the launcher must still pass INT (and TERM) sent to its pid on to java, which
     * writes the resume line after the checkpoint and exits 128 + the signal.
     */
    @ParameterizedTest
    @CsvSource({"INT, 130", "TERM, 143"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aSignalToTheLaunchersPidEndsTheRunWithTheResumeLine(String signal, int status) throws Exception {
        int shell = bash("\"$0\" train --data spirals --epochs 100000 --threads 1 --quiet --out run 2>run.err &\n"
                + "pid=$!\n"
                + "for i in $(seq 300); do [ -f run/checkpoint/checkpoint.json ] && break; sleep 0.1; done\n"
                + "kill -" + signal + " $pid\n"
                + "wait $pid\n", "");
        assertThat(shell).as(Files.readString(dir.resolve("run.err"))).isEqualTo(status);
        assertThat(Files.readString(dir.resolve("run.err")))
                .matches("(?s)interrupted at epoch \\d+, step \\d+; resume with: backprop train --resume run\\R");
        int resumed = bash("before=$(cat run/checkpoint/checkpoint.json)\n"
                + "\"$0\" train --resume run --epochs 1000000 --quiet & pid=$!\n"
                + "for i in $(seq 300); do [ \"$(cat run/checkpoint/checkpoint.json)\" != \"$before\" ] && break; sleep 0.1; done\n"
                + "kill -TERM $pid; wait $pid\n", "");
        assertThat(resumed).as("the checkpoint the signal left resumes: " + err()).isEqualTo(143);
        assertThat(err()).doesNotContain("Exception").contains("resume with: backprop train --resume run");
    }

    @Test
    void aPipeIsData() throws Exception {
        Files.writeString(dir.resolve("d.csv"), "a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,12,1\n");
        int status = bash("\"$0\" train --data <(cat d.csv) --epochs 2 --quiet --out run", "");
        assertThat(status).as(err()).isZero();
        assertThat(dir.resolve("run/model.safetensors")).exists();
    }

    /** A gzip of 334 KB that expands to 3 million rows, read by a JVM of 64 MB: exit 2 and the limit, not an OutOfMemoryError. */
    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void aCompressedFileThatExpandsPastTheHeapIsRefusedWhileItStreams() throws Exception {
        Path file = dir.resolve("bomb.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("a,b,y\n".getBytes(StandardCharsets.US_ASCII));
            byte[] rows = "1,2,0\n3,4,1\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 150; i++) {
                out.write(rows);
            }
        }
        int status = bash("\"$0\" train --data bomb.csv.gz --quiet --out run", "-Xmx64m");
        assertThat(status).as(err()).isEqualTo(2);
        assertThat(err()).matches("bomb\\.csv\\.gz:\\d+: \\d+ rows of 2 columns already fill a third of the Java heap \\(\\d+ MB\\);"
                + " expected fewer rows \\(--max-rows N reads at most N\\), or a larger heap \\(BACKPROP_JAVA_OPTS=-Xmx\\d+g\\)\\R");
        assertThat(dir.resolve("run")).doesNotExist();
    }
}
