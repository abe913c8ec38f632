package backprop.calc;

/**
 * A value or gradient that is not finite (log of 0, sqrt of a negative, 0^-1, ...). The message
 * names the node that first produced it and its line ({@code FILE:LINE:COL: ...}); the command
 * line prints it and exits with status 1, with nothing on standard output.
 */
public class UndefinedValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the complete message, as the command line prints it.
     *
     * @param message {@code FILE:LINE:COL: } then what is not finite, naming the node
     */
    public UndefinedValueException(String message) {
        super(message);
    }
}
