package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: a metric a split cannot give (R^2 of one row, balanced accuracy and macro F1 of rows
 * of one class) is omitted with the reason, never printed as NaN; metrics.json holds null for it.
 */
class DegenerateSplitsTest {
    @TempDir
    Path dir;

    @Test
    void theRSquaredOfOneTestRowIsUndefinedAndSaysWhy() throws IOException {
        Path data = Files.writeString(dir.resolve("three.csv"), "a,b,y\n1,2,0.5\n3,4,1.5\n5,6,2.25\n");
        Path run = dir.resolve("run");
        Cli train = Cli.run("train", "--data", data.toString(), "--loss", "mse", "--epochs", "1", "--quiet", "--out", run.toString());
        assertThat(train.status()).as(train.toString()).isZero();
        assertThat(train.out()).contains("R^2 undefined (one row)").doesNotContain("NaN");
        assertThat(Fixtures.json(run.resolve("metrics.json")).get("test_r2").isNull()).isTrue();

        Cli evaluate = Cli.run("evaluate", "--model", run.toString());
        assertThat(evaluate.status()).as(evaluate.toString()).isZero();
        assertThat(evaluate.out()).contains("R^2       undefined (one row)").doesNotContain("NaN");
    }

    @Test
    void balancedAccuracyAndMacroF1OfOneClassAreOmittedAndSayWhy() throws IOException {
        // stratified: class 0 gives one of its two rows to the test split, class 1 keeps its only row for training
        Path data = Files.writeString(dir.resolve("three.csv"), "a,b,y\n1,2,0\n3,4,0\n5,6,1\n");
        Path run = dir.resolve("run");
        Cli train = Cli.run("train", "--data", data.toString(), "--epochs", "1", "--quiet", "--out", run.toString());
        assertThat(train.status()).as(train.toString()).isZero();
        var metrics = Fixtures.json(run.resolve("metrics.json"));
        assertThat(metrics.get("test_balanced_accuracy").isNull()).isTrue();
        assertThat(metrics.get("test_macro_f1").isNull()).isTrue();
        assertThat(metrics.get("test_accuracy").isNumber()).isTrue();

        Cli evaluate = Cli.run("evaluate", "--model", run.toString());
        assertThat(evaluate.status()).as(evaluate.toString()).isZero();
        assertThat(evaluate.out()).contains("balanced accuracy and macro F1 omitted: the rows hold one class only")
                .doesNotContain("NaN");
        Cli json = Cli.run("evaluate", "--model", run.toString(), "--json");
        assertThat(json.out()).contains("\"balanced_accuracy\" : null").doesNotContain("NaN");
    }
}
