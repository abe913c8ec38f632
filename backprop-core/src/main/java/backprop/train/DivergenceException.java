package backprop.train;

/** Training produced a loss that is not finite; the run cannot go on from here. */
public final class DivergenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final int step;

    public DivergenceException(int epoch, int step, String message) {
        super(message);
        this.epoch = epoch;
        this.step = step;
    }

    public int epoch() {
        return epoch;
    }

    public int step() {
        return step;
    }
}
