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
    /** The most characters of a user's text (a cell, a source line) one message quotes. */
    public static final int QUOTED = 100;

    /**
     * A complete message, printed as it is.
     *
     * @param message what was wrong and where, in the {@code <where>: <rule>; got <value>} form
     */
    public InputException(String message) {
        super(message);
    }

    /**
     * A complete message, with the exception that revealed the problem (an {@code IOException},
     * say), which {@code --debug} shows.
     *
     * @param message what was wrong and where, in the {@code <where>: <rule>; got <value>} form
     * @param cause the underlying exception; may be null
     */
    public InputException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code FILE: message}, for a problem with a file as a whole.
     *
     * @param file the file, as the user named it
     * @param message the rule broken and the value found
     * @return the exception, for the caller to throw
     */
    public static InputException inFile(Path file, String message) {
        return new InputException(file + ": " + message);
    }

    /**
     * {@code FILE:LINE: message}, for a problem on one line (a CSV row, say).
     *
     * @param file the file, as the user named it
     * @param line the line, counting from 1
     * @param message the rule broken and the value found
     * @return the exception, for the caller to throw
     */
    public static InputException atLine(Path file, long line, String message) {
        return new InputException(file + ":" + line + ": " + message);
    }

    /**
     * {@code FILE:LINE:COL: message}, then the source line and a caret under the column, as
     * compilers show them; of a long line, the {@link #QUOTED} characters around the column.
     * Lines and columns count from 1.
     *
     * @param file the file, as the user named it
     * @param line the line
     * @param column the column the caret points at; tabs in {@code sourceLine} count as one column
     * @param sourceLine the text of that line, shown under the message
     * @param message the rule broken and the value found
     * @return the exception, for the caller to throw
     */

    public static InputException atColumn(Path file, int line, int column, String sourceLine, String message) {
        // a long line is shown as the window of it around the column, so that a message stays a few lines
        int from = sourceLine.length() <= QUOTED ? 0 : Math.max(0, Math.min(column - 1 - QUOTED / 2, sourceLine.length() - QUOTED));
        String shown = sourceLine.substring(from, Math.min(sourceLine.length(), from + QUOTED));
        String before = from > 0 ? "..." : "";
        String after = from + shown.length() < sourceLine.length() ? "..." : "";
        String caret = " ".repeat(Math.max(0, column - 1 - from + before.length())) + "^";
        return new InputException(file + ":" + line + ":" + column + ": " + message
                + System.lineSeparator() + "    " + before + shown.replace('\t', ' ') + after
                + System.lineSeparator() + "    " + caret);
    }

    /**
     * A user's text as a message quotes it: whole up to {@link #QUOTED} characters, else its
     * start, an ellipsis and its length, so that one message stays one line.
     *
     * @param text a cell, a token, a value as the user wrote it
     * @return {@code text} itself, or its first characters and how long it is
     */
    public static String clip(String text) {
        return text.length() <= QUOTED ? text : text.substring(0, QUOTED) + "... (" + text.length() + " characters)";
    }
}
