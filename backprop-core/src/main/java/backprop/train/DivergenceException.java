package backprop.train;

/** Training produced a loss that is not finite; the run cannot go on from here. */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** As {@link #epoch()} returns it. */
    private final int epoch;
    /** As {@link #step()} returns it. */
    private final int step;


    /**
     * @param epoch the epoch, counting from 1
     * @param step the step within the epoch, counting from 1
     * @param message the loss or the error, where, and what to try
     */
    public DivergenceException(int epoch, int step, String message) {
        super(message);
        this.epoch = epoch;
        this.step = step;
    }

    /** {@return the epoch in which the loss stopped being finite, counting from 1} */
    public int epoch() {
        return epoch;
    }

    /** {@return the step within that epoch, counting from 1} */
    public int step() {

        return step;
    }
}
