package backprop.calc;

import backprop.InputException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The program text as read, kept to show the offending line under an error.
 *
 * @param file the name errors begin with
 * @param lines the lines, without their terminators
 */
public record Source(Path file, List<String> lines) {
    /** The largest program file read: far beyond any program written by hand. */
    public static final int MAX_BYTES = 16 << 20;

    /**
     * Copies the lines.
     *
     * @param file the name errors begin with
     * @param lines the lines, without their terminators; copied
     */
    public Source {
        lines = List.copyOf(lines);
    }

    /**
     * {@return the source of {@code text} split into lines at {@code \n}, {@code \r\n} or
     * {@code \r}; a text ending in a terminator has an empty last line}
     *
     * @param file the name errors begin with; not read
     * @param text the whole program
     */
    public static Source of(Path file, String text) {
        return new Source(file, List.of(text.split("\r\n|\r|\n", -1)));
    }

    /**
     * Reads a program file as UTF-8.
     *
     * @param file the program's path, also the name errors begin with
     * @return its text, split as {@link #of} splits it
     * @throws InputException when it cannot be read, naming the file and why
     */
    public static Source read(Path file) {
        // read through a bound: a device file or a pipe that never ends is refused, not buffered without end
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw InputException.inFile(file, "the program is larger than " + MAX_BYTES / (1 << 20)
                        + " MB; expected a .bp text file of at most that size");
            }
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            // an editor's byte-order mark is not part of the first line
            return of(file, text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (NoSuchFileException e) {
            throw InputException.inFile(file, "cannot read the program: no such file; expected a readable .bp text file");
        } catch (AccessDeniedException e) {
            throw InputException.inFile(file, "cannot read the program: permission denied; expected a readable .bp text file");
        } catch (CharacterCodingException e) {
            throw InputException.inFile(file, "cannot read the program: not UTF-8 text; expected a readable .bp text file");
        } catch (IOException e) {
            throw InputException.inFile(file, "cannot read the program: " + e.getMessage() + "; expected a readable .bp text file");
        }
    }

    /**
     * {@return the line as written, without its terminator; empty for a number out of range}
     *
     * @param number from 1
     */
    public String line(int number) {
        return number >= 1 && number <= lines.size() ? lines.get(number - 1) : "";
    }

    /**
     * {@return an input error, not thrown, that reads {@code FILE:LINE:COL: message} followed by the
     * line and a caret under the column}
     *
     * @param pos where the error points
     * @param message the rule broken and what was found
     */
    public InputException error(Pos pos, String message) {
        return InputException.atColumn(file, pos.line(), pos.column(), line(pos.line()), message);
    }
}
