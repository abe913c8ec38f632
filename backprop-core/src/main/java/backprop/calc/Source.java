package backprop.calc;

import backprop.InputException;
import java.nio.file.Path;
import java.util.List;

/**
 * The program text as read, kept to show the offending line under an error.
 *
 * @param file the name errors begin with
 * @param lines the lines, without their terminators
 */
public record Source(Path file, List<String> lines) {
    public Source {
        lines = List.copyOf(lines);
    }

    /** Splits {@code text} into lines ({@code \n}, {@code \r\n} or {@code \r}). */
    public static Source of(Path file, String text) {
        return new Source(file, List.of(text.split("\r\n|\r|\n", -1)));
    }

    /** The source line numbered from 1; empty past the end. */
    public String line(int number) {
        return number >= 1 && number <= lines.size() ? lines.get(number - 1) : "";
    }

    /** {@code FILE:LINE:COL: message}, the line and a caret under the column. */
    public InputException error(Pos pos, String message) {
        return InputException.atColumn(file, pos.line(), pos.column(), line(pos.line()), message);
    }
}
