package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: sizes from the user end in a message before any allocation, in a fresh JVM as a user runs it. */
class LimitsTest {
    @TempDir
    Path dir;

    @Test
    void hiddenOfAHundredThousandSquaredExitsTwoWithinTwoSecondsNamingTheMemory() throws Exception {
        long start = System.nanoTime();
        GradCommandTest.Result r = GradCommandTest.backprop(Map.of(), dir, "train", "--data", "iris", "--hidden", "100000,100000",
                "--out", "run", "--quiet");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("--hidden: the run needs about ").contains(" GB of memory").contains("expected a smaller --hidden")
                .doesNotContain("Exception");
        assertThat(r.err().length()).isLessThan(300);
        assertThat(millis).as("a fresh JVM, the data read and the estimate").isLessThan(2_000);
        assertThat(Files.exists(dir.resolve("run"))).isFalse();
    }

    @Test
    void aBatchSizeOfIntMaxIsOneFullBatch() throws Exception {
        GradCommandTest.Result r = GradCommandTest.backprop(Map.of(), dir, "train", "--data", "iris", "--batch-size", "2147483647",
                "--epochs", "2", "--out", "run", "--quiet");
        assertThat(r.status()).as(r.err()).isZero();
    }
}
