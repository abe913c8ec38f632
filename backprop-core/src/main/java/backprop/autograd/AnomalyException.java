package backprop.autograd;

/** An operation produced a NaN or an infinity from finite values; the message names it and the pass. */
public final class AnomalyException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    /** The operation's name, as {@link #op()} returns it. */
    private final String op;


    /**
     * @param op the name of the operation whose forward result or backward gradient was not finite
     * @param message the complete message, naming the operation and the pass
     */
    public AnomalyException(String op, String message) {
        super(message);
        this.op = op;
    }

    /**
     * @return the name of the operation that produced the NaN or infinity ({@code "div"}, say)
     */
    public String op() {

        return op;
    }
}
