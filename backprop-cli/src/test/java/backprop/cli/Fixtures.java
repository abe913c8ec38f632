package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Small trained models and data files the tests share; each test class trains its own in a temporary folder. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    /** Trains quickly on {@code data} into {@code out} and returns the folder; fails the test on a non-zero exit. */
    static Path train(Path out, String... extra) {
        String[] args = new String[] {"train", "--epochs", "2", "--hidden", "16", "--quiet", "--threads", "1", "--out", out.toString()};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        Cli run = Cli.run(all);
        assertThat(run.status()).as(run.toString()).isZero();
        return out;
    }

    static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    /** A regression CSV {@code x0,x1,y} with y = sin(2 x0) + x1 / 2: a smooth non-integer target. */
    static Path regressionCsv(Path file, int rows) throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder s = new StringBuilder("x0,x1,y\n");
        for (int i = 0; i < rows; i++) {
            double x0 = random.nextDouble(-2, 2);
            double x1 = random.nextDouble(-2, 2);
            s.append(x0).append(',').append(x1).append(',').append(Math.sin(2 * x0) + x1 / 2).append('\n');
        }
        Files.writeString(file, s);
        return file;
    }
}
