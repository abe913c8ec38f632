package backprop.data;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17: a NaN or an infinity in a label or a feature is an error naming its row and column
 * whatever the order of the rows. A column of class names or categories used to take the cell as
 * one more class or category when a name came before it, and refuse it when it came first.
 */
class NonFiniteCellsTest {
    @TempDir
    Path dir;

    /** Rows of a text feature {@code c} and a text label {@code y}, one of them {@code bad} in the column {@code where}. */
    private void refusedInEveryOrder(String bad, String where) throws IOException {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rows.add(i + "," + (i % 3 == 0 ? "red" : i % 3 == 1 ? "blue" : "green") + "," + (i % 2 == 0 ? "cat" : "dog"));
        }
        String badRow = where.equals("y") ? "99,red," + bad : "99," + bad + ",cat";
        Random random = new Random(17);
        for (int order = 0; order < 20; order++) {
            List<String> shuffled = new ArrayList<>(rows);
            Collections.shuffle(shuffled, random);
            int at = order % (shuffled.size() + 1);   // first, last and everywhere between
            shuffled.add(at, badRow);
            Path file = dir.resolve("order" + order + ".csv");
            Files.writeString(file, "a,c,y\n" + String.join("\n", shuffled) + "\n");
            int field = where.equals("y") ? 3 : 2;
            assertThatThrownBy(() -> CsvReader.read(file)).as("the bad cell on line %d", at + 2).isInstanceOf(InputException.class)
                    .hasMessageStartingWith("%s:%d: column '%s' (field %d): expected ".formatted(file, at + 2, where, field))
                    .hasMessageEndingWith("got '" + bad + "'");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "nan", "-inf", "Infinity", "1e39"})
    void aLabelThatIsNotAFiniteNumberIsRefusedInEveryRowOrder(String bad) throws IOException {
        refusedInEveryOrder(bad, "y");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "+inf", "-Infinity", "1e39"})
    void aFeatureThatIsNotAFiniteNumberIsRefusedInEveryRowOrder(String bad) throws IOException {
        refusedInEveryOrder(bad, "c");
    }
}
