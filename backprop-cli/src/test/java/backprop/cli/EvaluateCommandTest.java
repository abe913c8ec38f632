package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void trainOnDigits() {
        model = Fixtures.train(dir.resolve("digits"), "--data", "digits");
    }

    @Test
    void onTheTrainingDataItRecreatesTheHeldOutSplitAndAgreesWithMetricsJsonExactly() throws IOException {
        JsonNode metrics = Fixtures.json(model.resolve("metrics.json"));
        Cli run = Cli.run("evaluate", "--model", model.toString(), "--data", "digits", "--json");
        assertThat(run.status()).as(run.toString()).isZero();
        JsonNode ev = Fixtures.JSON.readTree(run.out());
        assertThat(ev.get("accuracy").doubleValue()).isEqualTo(metrics.get("test_accuracy").doubleValue());
        assertThat(ev.get("loss").doubleValue()).isEqualTo(metrics.get("test_loss").doubleValue());
        assertThat(ev.get("rows").intValue()).isEqualTo(359);
        assertThat(ev.get("classes")).hasSize(10);
        assertThat(ev.get("confusion")).hasSize(10);
        assertThat(metrics.get("confusion")).as("the run's own confusion matrix, which backprop serve shows")
                .isEqualTo(ev.get("confusion"));
    }

    @Test
    void withoutDataItUsesTheModelsTrainingSourceAndPrintsTables() throws IOException {
        Cli run = Cli.run("evaluate", "--model", model.toString());
        assertThat(run.status()).as(run.toString()).isZero();
        double accuracy = Fixtures.json(model.resolve("metrics.json")).get("test_accuracy").doubleValue();
        assertThat(run.out())
                .contains("held-out test split (359 of 1,797 rows; seed 1, test fraction 0.2")
                .contains("accuracy  %.4f".formatted(accuracy))
                .contains("class  precision  recall  support")
                .contains("confusion matrix (rows: true class, columns: predicted)");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void splitAllAndTrainCoverEveryRowBetweenThem() throws IOException {
        JsonNode all = Fixtures.JSON.readTree(Cli.run("evaluate", "--model", model.toString(), "--split", "all", "--json").out());
        JsonNode train = Fixtures.JSON.readTree(Cli.run("evaluate", "--model", model.toString(), "--split", "train", "--json").out());
        assertThat(all.get("rows").intValue()).isEqualTo(1797);
        assertThat(train.get("rows").intValue()).isEqualTo(1797 - 359);
    }

    @Test
    void aCsvWithALabelTheModelDoesNotKnowIsBadInputNamingFileAndLine() throws IOException {
        Path csv = dir.resolve("unknown-label.csv");
        Files.writeString(csv, digitsCsv(new String[] {"3", "11"}));
        Cli run = Cli.run("evaluate", "--model", model.toString(), "--data", csv.toString());
        assertThat(run.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).contains(csv + ":3:").contains("label '11' is not a class the model knows")
                .contains("0, 1, 2, 3, 4, 5, 6, 7, 8, 9").doesNotContain("at backprop.");
    }

    @Test
    void anotherCsvIsEvaluatedWholeAndRefusesATestSplitItDoesNotHave() throws IOException {
        Path csv = dir.resolve("two-rows.csv");
        Files.writeString(csv, digitsCsv(new String[] {"3", "7"}));
        Cli all = Cli.run("evaluate", "--model", model.toString(), "--data", csv.toString(), "--json");
        assertThat(all.status()).as(all.toString()).isZero();
        assertThat(Fixtures.JSON.readTree(all.out()).get("rows").intValue()).isEqualTo(2);
        Cli test = Cli.run("evaluate", "--model", model.toString(), "--data", csv.toString(), "--split", "test");
        assertThat(test.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(test.err()).startsWith("--split test: ").contains("use --split all");
    }

    @Test
    void dataWithOtherFeaturesIsBadInput() {
        Cli run = Cli.run("evaluate", "--model", model.toString(), "--data", "iris");
        assertThat(run.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).contains("has 4 features; the model expects 64");
    }

    @Test
    void aCsvMissingAFeatureColumnIsBadInputNamingIt() throws IOException {
        Path csv = dir.resolve("missing-column.csv");
        Files.writeString(csv, "pixel_0_0,digit\n0,1\n1,2\n");
        Cli run = Cli.run("evaluate", "--model", model.toString(), "--data", csv.toString());
        assertThat(run.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).contains(csv + ":1: no columns 'pixel_0_1'");
    }

    @Test
    void aMissingModelFolderIsBadInputNamingIt() {
        Path missing = dir.resolve("no-such-model");
        Cli run = Cli.run("evaluate", "--model", missing.toString(), "--data", "digits");
        assertThat(run.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).startsWith(missing.toString()).doesNotContain("at backprop.");
    }

    @Test
    void aCorruptModelJsonIsBadInputNamingIt() throws IOException {
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.copy(model.resolve("model.safetensors"), broken.resolve("model.safetensors"));
        Files.writeString(broken.resolve("model.json"), "{\"format\": \"backprop4j-model\", ");
        Cli run = Cli.run("evaluate", "--model", broken.toString());
        assertThat(run.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).startsWith(broken.resolve("model.json") + ": is not valid JSON").doesNotContain("at backprop.");
    }

    /** A digits-shaped CSV (all pixels 0 but the first) with the given labels, one row each. */
    static String digitsCsv(String[] labels) {
        StringBuilder s = new StringBuilder();
        for (int r = 0; r < 8; r++) {
            for (int c = 0; c < 8; c++) {
                s.append("pixel_").append(r).append('_').append(c).append(',');
            }
        }
        s.append("digit\n");
        for (String label : labels) {
            s.append("5").append(",0".repeat(63)).append(',').append(label).append('\n');
        }
        return s.toString();
    }
}
