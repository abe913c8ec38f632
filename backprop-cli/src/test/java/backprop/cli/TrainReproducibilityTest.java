package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainReproducibilityTest {
    /** Wall-clock measurements: the only fields two runs of one seed may disagree on. */
    static final List<String> TIMES = List.of("seconds", "train_seconds", "samples_per_second");

    @TempDir
    Path dir;

    @Test
    void theSameSeedGivesTheSameMetricsAndTheSameWeightBytes() throws IOException {
        String[] options = {"--data", "digits", "--seed", "7", "--dropout", "0.2", "--batch-size", "32"};
        Path a = Fixtures.train(dir.resolve("a"), options);
        Path b = Fixtures.train(dir.resolve("b"), options);
        assertThat(withoutTimes(Fixtures.json(a.resolve("metrics.json"))))
                .isEqualTo(withoutTimes(Fixtures.json(b.resolve("metrics.json"))));
        assertThat(Files.readAllBytes(a.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(b.resolve("model.safetensors")));
    }

    @Test
    void quietRunsPrintOneLine() {
        Cli run = Cli.run("train", "--data", "iris", "--epochs", "1", "--quiet", "--out", dir.resolve("q").toString());
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out().lines()).hasSize(1).first().asString().startsWith("test accuracy ");
        assertThat(run.err()).isEmpty();
    }

    private static JsonNode withoutTimes(JsonNode metrics) {
        ObjectNode copy = metrics.deepCopy();
        copy.remove(TIMES);
        copy.get("epochs").forEach(e -> ((ObjectNode) e).remove(TIMES));
        assertThat(copy.get("epochs")).hasSize(2);
        return copy;
    }
}
