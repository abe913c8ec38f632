package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Column choice, categories, missing cells and their fills, target standardization: a table as users have them. */
class TableColumnsTest {
    @TempDir
    Path dir;

    private static final String FRUIT = """
            id,weight,length,colour,kind,price
            F1,150,7.5,red,apple,1.8
            F2,170,10,green,pear,2.6
            F3,,7,red,apple,1.7
            F4,60,4,NA,plum,0.5
            F5,155,7.2,green,apple,1.9
            F6,165,9.5,,pear,2.4
            """;

    private Path fruit() throws IOException {
        return Files.writeString(dir.resolve("fruit.csv"), FRUIT);
    }

    private static CsvOptions choose(String target, ColumnChoice choice) {
        return CsvOptions.DEFAULTS.withTarget(target).withChoice(choice);
    }

    @Test
    void aMissingNumberIsAnErrorNamingRowAndColumnUnlessImputed() throws IOException {
        Path file = fruit();
        ColumnChoice noImpute = new ColumnChoice(null, List.of("price"), "id", List.of(), null);
        assertThatThrownBy(() -> CsvReader.read(file, choose("kind", noImpute))).isInstanceOf(InputException.class)
                .hasMessageStartingWith(file + ":4: column 'weight' (field 2): expected a number; got a missing value")
                .hasMessageContaining("--impute");
    }

    @Test
    void textColumnsAreOneHotAndMissingCellsTheirOwnCategory() throws IOException {
        ColumnChoice choice = new ColumnChoice(null, List.of("price"), "id", List.of(), Columns.Impute.MEDIAN);
        CsvReader.Result r = CsvReader.readWithDigest(fruit(), choose("kind", choice));
        assertThat(r.data().featureNames()).containsExactly("weight", "length", "colour=green", "colour=red", "colour=(missing)");
        assertThat(r.columns().id()).isEqualTo("id");
        assertThat(r.columns().target()).isEqualTo("kind");
        assertThat(r.data().classNames()).containsExactly("apple", "pear", "plum");
        // row F4: colour NA is the missing category
        assertThat(r.data().featureRows()[3]).containsExactly(60, 4, 0, 0, 1);
        assertThat(r.data().featureRows()[2][0]).isNaN();   // filled only once fitted on the training split

        Columns fitted = r.columns().fit(r.data(), Columns.Impute.MEDIAN);
        assertThat(fitted.inputs().get(0).fill()).isEqualTo(155f);   // median of 150, 170, 60, 155, 165
        assertThat(fitted.transform(r.data(), r.columns()).featureRows()[2]).containsExactly(155, 7, 0, 1, 0);
    }

    @Test
    void theVocabularyIsTheTrainingRowsAndUnseenCategoriesAreZerosWithOneWarning() throws IOException {
        ColumnChoice choice = new ColumnChoice(List.of("weight", "colour"), List.of(), "id", List.of(), Columns.Impute.MEAN);
        CsvReader.Result r = CsvReader.readWithDigest(fruit(), choose("kind", choice));
        assertThat(r.warnings()).containsExactly(dir.resolve("fruit.csv") + ": ignoring columns length, price (not chosen by --features)");
        Dataset firstTwo = r.data().subset(new int[] {0, 1});
        Columns fitted = r.columns().fit(firstTwo, Columns.Impute.MEAN);
        assertThat(fitted.featureNames()).containsExactly("weight", "colour=green", "colour=red");

        Path input = Files.writeString(dir.resolve("new.csv"), "colour,weight,extra,id\nblue,100,x,N1\nred,,y,N2\nblue,1,z,N3\n");
        EncodedRows rows = CsvReader.readInputs(input, fitted, false);
        assertThat(rows.keptNames()).containsExactly("id");
        assertThat(rows.kept()).containsExactly(List.of("N1"), List.of("N2"), List.of("N3"));
        assertThat(rows.row(0)).containsExactly(100, 0, 0);
        assertThat(rows.row(1)).containsExactly(160, 0, 1);   // mean of 150 and 170
        assertThat(rows.warnings()).containsExactly(
                input + ": ignoring column extra (not among the model's inputs)",
                input + ": categories not seen in training, encoded as all zeros: colour 'blue' (2 rows)");
    }

    @Test
    void columnsAreChosenByNamePositionOrRange() throws IOException {
        ColumnChoice choice = new ColumnChoice(List.of("2-3", "colour"), List.of(), null, List.of("length"), Columns.Impute.MEAN);
        Dataset data = CsvReader.read(fruit(), choose("6", choice).withTask(Task.REGRESSION).withTarget("price"));
        assertThat(data.featureNames()).containsExactly("weight", "length=10", "length=4", "length=7", "length=7.2", "length=7.5",
                "length=9.5", "colour=green", "colour=red", "colour=(missing)");
    }

    @Test
    void badChoicesNameTheFlag() throws IOException {
        Path file = fruit();
        assertThatThrownBy(() -> CsvReader.read(file, choose("kind", new ColumnChoice(List.of("nope"), List.of(), "id", List.of(), null))))
                .hasMessage(file + ":1: --features: no column 'nope'; expected one of the columns id, weight, length, colour, kind, price (or a 1-based position)");
        assertThatThrownBy(() -> CsvReader.read(file, choose("kind", new ColumnChoice(List.of("5-2"), List.of(), null, List.of(), null))))
                .hasMessageStartingWith(file + ":1: --features: range '5-2' runs backwards");
        assertThatThrownBy(() -> CsvReader.read(file, choose("kind", new ColumnChoice(List.of("kind"), List.of(), null, List.of(), null))))
                .hasMessageStartingWith(file + ":1: --features: column 'kind' is the target");
        assertThatThrownBy(() -> CsvReader.read(file, choose("kind", new ColumnChoice(null, List.of(), "9", List.of(), null))))
                .hasMessageStartingWith(file + ":1: --id: column position 9 is out of range");
    }

    @Test
    void anIdentifierIsNotTakenForACategory() throws IOException {
        StringBuilder s = new StringBuilder("code,x,y\n");
        for (int i = 0; i < 30; i++) {
            s.append("C").append(i).append(',').append(i).append(',').append(i % 2).append('\n');
        }
        Path file = Files.writeString(dir.resolve("ids.csv"), s);
        assertThatThrownBy(() -> CsvReader.read(file)).hasMessageContaining("like an identifier")
                .hasMessageContaining("--id code");
    }

    @Test
    void regressionTargetsAreStandardizedOnTheTrainingSplit() throws IOException {
        StringBuilder s = new StringBuilder("x,y\n");
        for (int i = 0; i < 50; i++) {
            s.append(i).append(',').append(1000 + 10 * i).append('\n');
        }
        Path file = Files.writeString(dir.resolve("reg.csv"), s);
        PreparedData p = PreparedData.prepare(file.toString(), DataOptions.DEFAULTS.withSeed(3), 0.2, 0.1, PreparedData.Standardize.AUTO);
        assertThat(p.train().size() + p.validation().size() + p.test().size()).isEqualTo(50);
        assertThat(p.validation().size()).isEqualTo(4);
        Standardizer t = p.targetStandardizer();
        double mean = 0;
        for (float y : p.train().targets()) {
            mean += y;
        }
        assertThat(mean / p.train().size()).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(t.means()[0]).isBetween(1100f, 1400f);
        double[] back = {p.test().target(0)};
        t.inverseInPlace(back);
        assertThat(back[0]).isCloseTo(10 * Math.rint(back[0] / 10), org.assertj.core.data.Offset.offset(1e-2));   // back in the file's units
    }
}
