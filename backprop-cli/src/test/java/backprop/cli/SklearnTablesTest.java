package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14's targets on public tables nobody here wrote: scikit-learn's breast cancer, wine and
 * diabetes, as Debian's python3-sklearn ships them. {@code backprop train} at its defaults and
 * 200 epochs must come within 2 accuracy points of scikit-learn's LogisticRegression, and with
 * {@code --hidden ""} within 5 % of LinearRegression's RMSE, on the same test rows (every fourth
 * row; the rest is the training file). scikit-learn's scores on that split, with a
 * StandardScaler in front, were measured by:
 * <pre>
 * x, y = load_X(...); test = arange(len(y)) % 4 == 0
 * make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)).fit(x[~test], y[~test])  # accuracy on x[test]
 * make_pipeline(StandardScaler(), LinearRegression()).fit(...)                                 # RMSE on x[test]
 * </pre>
 * (scikit-learn 1.2.1). {@code bench/tables.py} prints the same comparison on another split.
 * Skipped where the package is not installed, unless the environment variable CI is set (bin/setup
 * installs it there).
 */
class SklearnTablesTest {
    static final Path DATA = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data");
    static final double BREAST_CANCER_LOGISTIC = 0.9790209790209791;
    static final double WINE_LOGISTIC = 0.9777777777777777;
    static final double DIABETES_LINEAR_RMSE = 60.87083368055756;

    @TempDir
    static Path dir;

    @BeforeAll
    static void needsTheData() {
        assumeTrue(Files.isDirectory(DATA) || System.getenv("CI") != null, "python3-sklearn is not installed");
    }

    @Test
    void breastCancerAccuracyIsWithinTwoPointsOfLogisticRegression() throws IOException {
        assertThat(accuracy("breast-cancer", readSklearnCsv(DATA.resolve("breast_cancer.csv")), List.of()))
                .isGreaterThanOrEqualTo(BREAST_CANCER_LOGISTIC - 0.02);
    }

    @Test
    void wineAccuracyIsWithinTwoPointsOfLogisticRegression() throws IOException {
        assertThat(accuracy("wine", readSklearnCsv(DATA.resolve("wine_data.csv")), List.of()))
                .isGreaterThanOrEqualTo(WINE_LOGISTIC - 0.02);
    }

    @Test
    void diabetesRmseOfALinearModelIsWithinFivePercentOfLeastSquares() throws IOException {
        List<String> x = lines(DATA.resolve("diabetes_data_raw.csv.gz"));
        List<String> y = lines(DATA.resolve("diabetes_target.csv.gz"));
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            rows.add(String.join(",", x.get(i).trim().split("\\s+")) + "," + Double.parseDouble(y.get(i).trim()));
        }
        JsonNode ev = trainAndEvaluate("diabetes", rows, 10, List.of("--task", "regression", "--hidden", ""));
        assertThat(ev.path("rmse").asDouble()).isLessThanOrEqualTo(DIABETES_LINEAR_RMSE * 1.05);
    }

    private static double accuracy(String name, List<String> rows, List<String> extra) throws IOException {
        int features = rows.get(0).split(",").length - 1;
        List<String> args = new ArrayList<>(extra);
        args.addAll(List.of("--task", "classification"));
        return trainAndEvaluate(name, rows, features, args).path("accuracy").asDouble();
    }

    /** Writes train.csv (rows i % 4 != 0) and test.csv, trains at the defaults for 200 epochs, evaluates on test.csv. */
    private static JsonNode trainAndEvaluate(String name, List<String> rows, int features, List<String> extra) throws IOException {
        StringBuilder header = new StringBuilder();
        int width = rows.get(0).split(",").length - 1;
        for (int j = 0; j < width; j++) {
            header.append("x").append(j).append(',');
        }
        header.append("target\n");
        StringBuilder train = new StringBuilder(header);
        StringBuilder test = new StringBuilder(header);
        for (int i = 0; i < rows.size(); i++) {
            (i % 4 == 0 ? test : train).append(rows.get(i)).append('\n');
        }
        Path folder = Files.createDirectories(dir.resolve(name));
        Path trainFile = Files.writeString(folder.resolve("train.csv"), train);
        Path testFile = Files.writeString(folder.resolve("test.csv"), test);
        List<String> args = new ArrayList<>(List.of("train", "--data", trainFile.toString(), "--target", "target",
                "--epochs", "200", "--quiet", "--out", folder.resolve("model").toString()));
        args.addAll(extra);
        Cli run = Cli.run(args.toArray(String[]::new));
        assertThat(run.status()).as(run.toString()).isZero();
        Cli ev = Cli.run("evaluate", "--model", folder.resolve("model").toString(), "--data", testFile.toString(), "--split", "all", "--json");
        assertThat(ev.status()).as(ev.toString()).isZero();
        return Fixtures.JSON.readTree(ev.out());
    }

    /** scikit-learn's format: a first line of counts and class names, then rows of features and an integer class. */
    private static List<String> readSklearnCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
    }

    private static List<String> lines(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }
}
