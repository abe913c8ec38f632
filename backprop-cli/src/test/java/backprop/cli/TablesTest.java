package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table as a new user has one (issue #14): an id, numeric and text features with missing cells,
 * a text class and a numeric target, trained and predicted on with no preprocessing outside the
 * tool, and the predictions joined back to the rows by id.
 */
class TablesTest {
    @TempDir
    static Path dir;
    static Path fruit;
    static Path fresh;

    private static final String[] KINDS = {"apple", "pear", "plum", "banana"};
    private static final double[][] SHAPE = {{150, 7, 0.8, 1.2}, {170, 10, 0.3, 1.5}, {60, 4, 0.6, 0.9}, {120, 18, 0.1, 0.5}};
    private static final String[] ORIGINS = {"spain", "chile", "italy", ""};

    /** {@code rows} fruit, every 50th without its redness; {@code origins} names the origins to draw from. */
    static String fruit(int rows, long seed, String[] origins) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder s = new StringBuilder("id,weight,length,redness,origin,kind,price\n");
        for (int i = 0; i < rows; i++) {
            int k = r.nextInt(KINDS.length);
            double[] m = SHAPE[k];
            String origin = origins[r.nextInt(origins.length)];
            double weight = m[0] * (1 + 0.1 * gauss(r));
            double price = m[3] * weight / 100 + (origin.equals("italy") ? 0.3 : 0) + 0.05 * gauss(r);
            s.append(String.format(Locale.ROOT, "F%04d,%.1f,%.2f,%s,%s,%s,%.2f%n", i, weight, m[1] * (1 + 0.1 * gauss(r)),
                    i % 50 == 7 ? "NA" : String.format(Locale.ROOT, "%.3f", m[2] + 0.1 * gauss(r)), origin, KINDS[k], price));
        }
        return s.toString();
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @BeforeAll
    static void writeTables() throws IOException {
        fruit = Files.writeString(dir.resolve("fruit.csv"), fruit(400, 7, ORIGINS));
        fresh = Files.writeString(dir.resolve("new.csv"), fruit(60, 8, new String[] {"spain", "peru"}));
    }

    @Test
    void aMissingNumberStopsTrainingNamingRowAndColumnUntilImputeIsGiven() {
        Cli run = Cli.run("train", "--data", fruit.toString(), "--target", "kind", "--id", "id", "--quiet", "--out", dir.resolve("no").toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith(fruit + ":9: column 'redness' (field 4): expected a number; got a missing value 'NA'");
        assertThat(dir.resolve("no")).doesNotExist();
    }

    @Test
    void classifiesTheKindAndPredictionsCarryTheIdAndJoinBack() throws IOException {
        Path model = dir.resolve("kind");
        Cli train = Cli.run("train", "--data", fruit.toString(), "--target", "kind", "--id", "id", "--ignore", "price",
                "--impute", "median", "--epochs", "30", "--quiet", "--out", model.toString());
        assertThat(train.status()).as(train.toString()).isZero();
        JsonNode json = Fixtures.json(model.resolve("model.json"));
        assertThat(json.path("format_version").asInt()).isEqualTo(3);
        assertThat(json.path("preprocessing").path("columns").path("id").asText()).isEqualTo("id");
        assertThat(json.path("features").toString()).isEqualTo(
                "[\"weight\",\"length\",\"redness\",\"origin=chile\",\"origin=italy\",\"origin=spain\",\"origin=(missing)\"]");
        JsonNode metrics = Fixtures.json(model.resolve("metrics.json"));
        assertThat(metrics.path("test_accuracy").asDouble()).isGreaterThan(0.9);
        assertThat(metrics.has("test_balanced_accuracy") && metrics.has("test_macro_f1")).isTrue();

        Path out = dir.resolve("kinds.csv");
        Cli predict = Cli.run("predict", "--model", model.toString(), "--input", fresh.toString(), "--output", out.toString());
        assertThat(predict.status()).as(predict.toString()).isZero();
        // one line each: the ignored columns (not the target), the unseen category with its count
        assertThat(predict.err().lines().toList()).containsExactly(
                "backprop: warning: " + fresh + ": ignoring column price (not among the model's inputs)",
                "backprop: warning: " + fresh + ": categories not seen in training, encoded as all zeros: origin 'peru' ("
                        + countOf("peru") + " rows)");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("id,kind,p_apple,p_banana,p_pear,p_plum");
        Map<String, String> truth = new HashMap<>();
        Files.readAllLines(fresh).stream().skip(1).map(l -> l.split(",", -1)).forEach(c -> truth.put(c[0], c[5]));
        long right = lines.stream().skip(1).map(l -> l.split(",")).filter(c -> c[1].equals(truth.get(c[0]))).count();
        assertThat(lines).hasSize(61);
        assertThat(right).isGreaterThan(50);   // joined on the id, not the row order
    }

    private static long countOf(String origin) throws IOException {
        return Files.readAllLines(fresh).stream().filter(l -> l.split(",", -1)[4].equals(origin)).count();
    }

    @Test
    void regressionAtTheDefaultsBeatsTheMeanAndReportsInTheTargetsUnits() throws IOException {
        Path model = dir.resolve("price");
        Cli train = Cli.run("train", "--data", fruit.toString(), "--target", "price", "--id", "id", "--impute", "mean",
                "--quiet", "--out", model.toString());
        assertThat(train.status()).as(train.toString()).isZero();
        assertThat(train.out()).startsWith("test RMSE ").contains("MAE", "R^2", "predicting the training mean: RMSE");
        JsonNode metrics = Fixtures.json(model.resolve("metrics.json"));
        assertThat(metrics.path("test_rmse").asDouble()).isLessThan(0.5 * metrics.path("baseline_rmse").asDouble());
        assertThat(metrics.path("test_r2").asDouble()).isGreaterThan(0.75);
        assertThat(metrics.path("test_mae").asDouble()).isLessThan(metrics.path("test_rmse").asDouble() * 1.0001);

        Cli predict = Cli.run("predict", "--model", model.toString(), "--input", fresh.toString(), "--format", "jsonl");
        assertThat(predict.status()).as(predict.toString()).isZero();
        String first = predict.out().lines().findFirst().orElseThrow();
        assertThat(first).matches("\\{\"id\":\"F0000\",\"price\":-?[0-9]+\\.[0-9]+\\}");
        double predicted = Double.parseDouble(first.replaceAll(".*\"price\":", "").replace("}", ""));
        double actual = Double.parseDouble(Files.readAllLines(fresh).get(1).split(",")[6]);
        assertThat(Math.abs(predicted - actual)).isLessThan(1.0);   // in the target's units, not standardized
    }

    @Test
    void validationSplitChoosesTheEpochAndTheTestIsScoredOnce() throws IOException {
        Path model = dir.resolve("early");
        Cli train = Cli.run("train", "--data", fruit.toString(), "--target", "kind", "--id", "id", "--impute", "mean",
                "--early-stopping", "3", "--epochs", "40", "--quiet", "--out", model.toString());
        assertThat(train.status()).as(train.toString()).isZero();
        JsonNode metrics = Fixtures.json(model.resolve("metrics.json"));
        assertThat(metrics.path("epochs").get(0).has("validation_loss")).isTrue();
        assertThat(metrics.path("epochs").get(0).has("test_loss")).isFalse();
        assertThat(metrics.has("validation_accuracy") && metrics.has("test_accuracy")).isTrue();
    }
}
