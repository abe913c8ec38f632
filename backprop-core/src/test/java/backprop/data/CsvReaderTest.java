package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    Path csv(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void readsFeaturesAndInfersClassificationFromTextLabels() throws IOException {
        Path file = csv("a.csv", "x,y,kind\n1,2,dog\n3,4,cat\n5,6,dog\n");
        Dataset d = CsvReader.read(file);
        assertThat(d.task()).isEqualTo(Task.CLASSIFICATION);
        assertThat(d.featureNames()).containsExactly("x", "y");
        assertThat(d.classNames()).containsExactly("cat", "dog");
        assertThat(d.features()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(d.labels()).containsExactly(1, 0, 1);
    }

    @Test
    void fewDistinctIntegersAreClassesSortedByValue() throws IOException {
        Dataset d = CsvReader.read(csv("a.csv", "x,y\n1,10\n2,2\n3,2.0\n4,10\n"));
        assertThat(d.task()).isEqualTo(Task.CLASSIFICATION);
        assertThat(d.classNames()).containsExactly("2", "10");
        assertThat(d.labels()).containsExactly(1, 0, 0, 1);
    }

    @Test
    void fractionalTargetsAreRegression() throws IOException {
        Dataset d = CsvReader.read(csv("a.csv", "x,y\n1,0.5\n2,1.5\n"));
        assertThat(d.task()).isEqualTo(Task.REGRESSION);
        assertThat(d.targets()).containsExactly(0.5f, 1.5f);
    }

    @Test
    void manyDistinctIntegersAreRegression() throws IOException {
        StringBuilder text = new StringBuilder("x,y\n");
        for (int i = 0; i <= CsvReader.MAX_INFERRED_CLASSES; i++) {
            text.append(i).append(',').append(i * 3).append('\n');
        }
        assertThat(CsvReader.read(csv("a.csv", text.toString())).task()).isEqualTo(Task.REGRESSION);
    }

    @Test
    void theTaskCanBeForced() throws IOException {
        Path file = csv("a.csv", "x,y\n1,0\n2,1\n");
        assertThat(CsvReader.read(file, CsvOptions.DEFAULTS.withTask(Task.REGRESSION)).targets()).containsExactly(0, 1);
    }

    @Test
    void theTargetCanBeChosenByNameOrIndex() throws IOException {
        Path file = csv("a.csv", "label,x,y\nb,1,2\na,3,4\n");
        Dataset byName = CsvReader.read(file, CsvOptions.DEFAULTS.withTarget("label"));
        Dataset byIndex = CsvReader.read(file, CsvOptions.DEFAULTS.withTarget("0"));
        assertThat(byName.featureNames()).containsExactly("x", "y");
        assertThat(byName.labels()).containsExactly(1, 0);
        assertThat(byIndex.features()).containsExactly(byName.features());
    }

    @Test
    void knownClassNamesKeepTheModelsLabelOrder() throws IOException {
        Path file = csv("a.csv", "x,y\n1,b\n2,b\n");
        Dataset d = CsvReader.read(file, CsvOptions.DEFAULTS.withClassNames(List.of("c", "b", "a")));
        assertThat(d.labels()).containsExactly(1, 1);
        assertThat(d.numClasses()).isEqualTo(3);
    }

    @Test
    void quotedCellsSpacesBomAndBlankLinesAreFine() throws IOException {
        Path file = csv("a.csv", "\uFEFF\"x\", y ,z\n\" 1.5\",-2e1,a\n\n3,4,b\n");
        Dataset d = CsvReader.read(file);
        assertThat(d.featureNames()).containsExactly("x", "y");
        assertThat(d.features()).containsExactly(1.5f, -20f, 3, 4);
    }

    @Test
    void gzipIsDetectedFromTheBytesNotTheName() throws IOException {
        Path file = dir.resolve("plain-name.csv");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("x,y\n1,a\n2,b\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(CsvReader.read(file).size()).isEqualTo(2);
    }

    @Test
    void theDigestIsOfTheFileAsStored() throws Exception {
        Path file = csv("a.csv", "x,y\n1,a\n2,b\n");
        String expected = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertThat(CsvReader.readWithDigest(file, CsvOptions.DEFAULTS).sha256()).isEqualTo(expected);
    }

    // ---- bad input: one message naming the file, the line, the column and what was expected

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.csv");
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessage(file + ": no such file");
    }

    @Test
    void aFolderIsNotAFile() {
        assertThatThrownBy(() -> CsvReader.read(dir)).isInstanceOf(InputException.class)
                .hasMessage(dir + ": is a folder; expected a file");
    }

    @Test
    void emptyFile() throws IOException {
        Path file = csv("e.csv", "");
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessage(file + ": is empty; expected a header row naming the columns, then data rows");
    }

    @Test
    void headerOnly() throws IOException {
        Path file = csv("h.csv", "x,y\n");
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessage(file + ": has a header but no data rows; expected at least one row after line 1");
    }

    @Test
    void raggedRow() throws IOException {
        Path file = csv("r.csv", "x,y,z\n1,2,a\n3,4\n");
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessage(file + ":3: expected 3 fields as in the header; got 2");
    }

    @Test
    void aFeatureColumnWithTextIsCategoricalAndItsNumbersKeepTheirSpelling() throws IOException {
        Path file = csv("n.csv", "x,height,z\n1,2.50,a\n3,tall,b\n");
        Dataset data = CsvReader.read(file);
        assertThat(data.featureNames()).containsExactly("x", "height=2.50", "height=tall");
        assertThat(data.features()).containsExactly(1, 1, 0, 3, 0, 1);
    }

    @Test
    void javaOnlyNumberSpellingsAreNotNumbers() throws IOException {
        Path file = csv("n.csv", "x,z\n1f,a\n2,b\n");
        assertThat(CsvReader.read(file).featureNames()).containsExactly("x=1f", "x=2");
    }

    @Test
    void emptyFeatureCell() throws IOException {
        Path file = csv("n.csv", "x,y,z\n1,,a\n");
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessage(file + ":2: column 'y' (field 2): expected a number; got a missing value"
                        + " (use --impute mean or --impute median to fill missing numbers)");
    }

    @Test
    void nanCell() throws IOException {
        Path file = csv("n.csv", "x,y,z\n1,2,a\n\n3,NaN,b\n");
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessage(file + ":4: column 'y' (field 2): expected a finite number; got 'NaN'");
    }

    @Test
    void infiniteAndOverflowingCells() throws IOException {
        Path inf = csv("i.csv", "x,z\n-Infinity,a\n");
        Path big = csv("b.csv", "x,z\n1e39,a\n");
        assertThatThrownBy(() -> CsvReader.read(inf)).hasMessage(inf + ":2: column 'x' (field 1): expected a finite number; got '-Infinity'");
        assertThatThrownBy(() -> CsvReader.read(big)).hasMessage(big + ":2: column 'x' (field 1): expected a finite number; got '1e39'");
    }

    @Test
    void nanRegressionTarget() throws IOException {
        Path file = csv("t.csv", "x,y\n1,0.5\n2,nan\n");
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessage(file + ":3: column 'y' (field 2): expected a finite number as the target; got 'nan'");
    }

    @Test
    void nonNumericTargetOfAForcedRegression() throws IOException {
        Path file = csv("t.csv", "x,y\n1,0.5\n2,big\n");
        assertThatThrownBy(() -> CsvReader.read(file, CsvOptions.DEFAULTS.withTask(Task.REGRESSION)))
                .hasMessage(file + ":3: column 'y' (field 2): expected a number as the regression target; got 'big'");
    }

    @Test
    void emptyClassLabel() throws IOException {
        Path file = csv("t.csv", "x,y\n1,a\n2,\n");
        assertThatThrownBy(() -> CsvReader.read(file))
                .hasMessage(file + ":3: column 'y' (field 2): expected a class label; got an empty cell");
    }

    @Test
    void missingTargetColumnByName() throws IOException {
        Path file = csv("m.csv", "x,y\n1,a\n");
        assertThatThrownBy(() -> CsvReader.read(file, CsvOptions.DEFAULTS.withTarget("label")))
                .isInstanceOf(InputException.class)
                .hasMessage(file + ":1: no target column 'label'; expected one of the columns x, y (or a 0-based index)");
    }

    @Test
    void targetIndexOutOfRange() throws IOException {
        Path file = csv("m.csv", "x,y\n1,a\n");
        assertThatThrownBy(() -> CsvReader.read(file, CsvOptions.DEFAULTS.withTarget("2")))
                .hasMessage(file + ":1: target column index 2 is out of range; expected 0..1 for the 2 columns x, y");
    }

    @Test
    void onlyOneClass() throws IOException {
        Path file = csv("o.csv", "x,y\n1,a\n2,a\n");
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessage(file + ": column 'y' (field 2): classification needs at least 2 classes; got only 'a' in all 2 rows");
    }

    @Test
    void aLabelTheModelDoesNotKnow() throws IOException {
        Path file = csv("u.csv", "x,y\n1,a\n2,zebra\n");
        assertThatThrownBy(() -> CsvReader.read(file, CsvOptions.DEFAULTS.withClassNames(List.of("a", "b"))))
                .hasMessage(file + ":3: column 'y' (field 2): label 'zebra' is not a class the model knows; expected one of a, b");
    }

    @Test
    void duplicateAndBlankColumnNames() throws IOException {
        Path dup = csv("d.csv", "x,x,y\n1,2,a\n");
        Path blank = csv("b.csv", "x,,y\n1,2,a\n");
        assertThatThrownBy(() -> CsvReader.read(dup))
                .hasMessage(dup + ":1: header: column 'x' appears twice (fields 1 and 2); expected unique names");
        assertThatThrownBy(() -> CsvReader.read(blank))
                .hasMessage(blank + ":1: header: field 2 has no name; expected a name for every column");
    }

    @Test
    void onlyATargetColumn() throws IOException {
        Path file = csv("t.csv", "y\na\nb\n");
        assertThatThrownBy(() -> CsvReader.read(file))
                .hasMessage(file + ":1: header has only the target column 'y'; expected at least one feature column besides it");
    }

    @Test
    void notUtf8() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, new byte[] {'x', ',', 'y', '\n', '1', ',', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessage(file + ": not UTF-8 text; expected a UTF-8 CSV file");
    }

    @Test
    void corruptGzip() throws IOException {
        Path file = dir.resolve("bad.csv.gz");
        Files.write(file, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
        assertThatThrownBy(() -> CsvReader.read(file)).isInstanceOf(InputException.class)
                .hasMessageStartingWith(file + ": ");
    }

    // ---- features only, for prediction

    @Test
    void readFeaturesPicksTheModelsColumnsByName() throws IOException {
        Path file = csv("p.csv", "b,label,a\n1,x,2\n3,y,4\n");
        assertThat(CsvReader.readFeatures(file, List.of("a", "b"))).containsExactly(2, 1, 4, 3);
    }

    @Test
    void readFeaturesNamesAMissingColumn() throws IOException {
        Path file = csv("p.csv", "a,c\n1,2\n");
        assertThatThrownBy(() -> CsvReader.readFeatures(file, List.of("a", "b")))
                .isInstanceOf(InputException.class)
                .hasMessage(file + ":1: no column 'b'; expected the model's feature columns a, b");
    }

    @Test
    void readFeaturesChecksCells() throws IOException {
        Path file = csv("p.csv", "a,b\n1,2\n3,x\n");
        assertThatThrownBy(() -> CsvReader.readFeatures(file, List.of("a", "b")))
                .hasMessage(file + ":3: column 'b' (field 2): expected a number; got 'x'");
    }
}
