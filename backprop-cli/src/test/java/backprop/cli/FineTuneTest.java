package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --init-model}: a model from elsewhere (here PyTorch's, through ONNX) trains on from its own weights. */
class FineTuneTest {
    private static final Path PYTORCH = Path.of("..", "backprop-onnx", "src", "test", "resources", "backprop", "onnx");

    @Test
    void anImportedPyTorchClassifierFineTunesFromItsWeightsAndSavesAModelFolder(@TempDir Path dir) throws Exception {
        String csv = PYTORCH.resolve("pytorch_classifier.csv").toString();
        String imported = dir.resolve("imported").toString();
        assertThat(Cli.run("import", "--onnx", PYTORCH.resolve("pytorch_classifier.onnx").toString(), "--out", imported).status()).isZero();
        double before = loss(Cli.run("evaluate", "--model", imported, "--data", csv, "--target", "y", "--split", "all", "--json"));

        String tuned = dir.resolve("tuned").toString();
        Cli run = Cli.run("train", "--init-model", imported, "--data", csv, "--target", "y", "--epochs", "20",
                "--optimizer", "adam", "--lr", "0.01", "--quiet", "--out", tuned);
        assertThat(run.status()).as(run.toString()).isZero();
        double after = loss(Cli.run("evaluate", "--model", tuned, "--data", csv, "--target", "y", "--split", "all", "--json"));
        assertThat(after).as("fine-tuning starts from PyTorch's weights and lowers their loss").isLessThan(before);
        assertThat(before).as("PyTorch's weights were trained: far below a fresh network's ln 2").isLessThan(0.6);
    }

    private static double loss(Cli evaluate) throws Exception {
        assertThat(evaluate.status()).as(evaluate.toString()).isZero();
        return new ObjectMapper().readTree(evaluate.out()).path("loss").asDouble(Double.NaN);
    }
}
