package backprop;

import java.nio.file.Path;

/**
 * Bad input from a user: a file, a line or a value that breaks a documented rule.
 *
 * <p>The message is complete as it stands ({@code FILE:LINE:COL: message}, perhaps followed by
 * the offending line and a caret); the command line prints it as is and exits with status 2.
 * Anything else that escapes is a bug and is reported as one.
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code FILE: message}, for a problem with a file as a whole. */
    public static InputException inFile(Path file, String message) {
        return new InputException(file + ": " + message);
    }

    /** {@code FILE:LINE: message}, for a problem on one line (a CSV row, say). */
    public static InputException atLine(Path file, long line, String message) {
        return new InputException(file + ":" + line + ": " + message);
    }

    /**
     * {@code FILE:LINE:COL: message}, then the source line and a caret under the column, as
     * compilers show them. Lines and columns count from 1.
     */
    public static InputException atColumn(Path file, int line, int column, String sourceLine, String message) {
        String caret = " ".repeat(Math.max(0, column - 1)) + "^";
        return new InputException(file + ":" + line + ":" + column + ": " + message
                + System.lineSeparator() + "    " + sourceLine.replace('\t', ' ')
                + System.lineSeparator() + "    " + caret);
    }
}
