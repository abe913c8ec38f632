package backprop.io;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.data.CsvReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model folder an older program wrote (src/test/resources/models/v&lt;version&gt;/) still
 * loads and predicts what that program's {@code backprop predict} printed, to the last bit; and
 * saved again in the current format, it keeps its state dict bit for bit.
 */
class OldModelFilesTest {
    private static final Path MODELS = Path.of("src/test/resources/models");

    @TempDir
    Path dir;

    static Stream<Path> folders() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MODELS)) {
            files.filter(p -> p.getFileName().toString().equals(ModelFile.JSON)).map(Path::getParent).sorted().forEach(found::add);
        }
        return found.stream();
    }

    @Test
    void thereAreOldModelsOfEveryVersionBeforeThisOne() throws IOException {
        for (int version = 1; version < ModelFile.FORMAT_VERSION; version++) {
            int v = version;
            assertThat(folders().filter(f -> f.getParent().getFileName().toString().equals("v" + v))).as("version " + v).hasSizeGreaterThan(3);
        }
    }

    @ParameterizedTest
    @MethodSource("folders")
    void loadsAndPredictsAsTheProgramThatWroteIt(Path folder) throws IOException {
        Model model = Model.load(folder);
        assertThat(predictions(model, folder.resolve("input.csv"))).isEqualTo(Files.readAllLines(folder.resolve("predictions.csv")));
    }

    @ParameterizedTest
    @MethodSource("folders")
    void savedAgainInTheCurrentFormatKeepsItsStateAndPredictions(Path folder) throws IOException {
        SavedModel old = ModelFile.load(folder);
        ModelFile.save(dir, old);
        SavedModel again = ModelFile.load(dir);
        ModelFileTest.assertSameState(again.network().stateDict(), old.network().stateDict());
        assertThat(again.provenance()).isEqualTo(old.provenance());
        assertThat(predictions(Model.of(again), folder.resolve("input.csv"))).isEqualTo(Files.readAllLines(folder.resolve("predictions.csv")));
    }

    /** The lines {@code backprop predict} writes: a header, then the class and each probability, or the value. */
    static List<String> predictions(Model model, Path input) {
        float[] x = CsvReader.readFeatures(input, model.features());
        int d = model.features().size();
        float[][] rows = new float[x.length / d][d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x, i * d, rows[i], 0, d);
        }
        Prediction p = model.predict(rows);
        List<String> lines = new ArrayList<>();
        if (!p.isClassification()) {
            lines.add("value");
            for (double v : p.values()) {
                lines.add(Double.toString(v));
            }
            return lines;
        }
        lines.add("class," + String.join(",", p.classNames().stream().map(c -> "p_" + c).toList()));
        for (int i = 0; i < p.size(); i++) {
            StringBuilder line = new StringBuilder(p.className(i));
            for (double v : p.probabilities(i)) {
                line.append(',').append(v);
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
