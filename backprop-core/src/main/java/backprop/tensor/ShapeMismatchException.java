package backprop.tensor;

/** Operands whose shapes the operation cannot combine; the message names the operation and both shapes. */
public class ShapeMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message names the operation and both shapes, as {@link Shapes#broadcast} does */
    public ShapeMismatchException(String message) {

        super(message);
    }
}
