package backprop.autograd;

/** An operation produced a NaN or an infinity from finite values; the message names it and the pass. */
public final class AnomalyException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final String op;

    public AnomalyException(String op, String message) {
        super(message);
        this.op = op;
    }

    /** The operation that produced the value. */
    public String op() {
        return op;
    }
}
