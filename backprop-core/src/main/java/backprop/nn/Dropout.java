package backprop.nn;

import backprop.Random;
import backprop.internal.Checks;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Inverted dropout: in training mode each element is zeroed with probability p and the survivors
 * are scaled by 1 / (1 - p), so evaluation mode is the identity.
 */
public final class Dropout extends Module {
    private final double p;
    private RandomGenerator rng;

    /**
     * Dropout with probability {@code p}, its masks drawn from a stream split off {@link Random#generator()}.
     *
     * @param p the probability of zeroing an element, in [0, 1)
     * @throws IllegalArgumentException unless 0 &lt;= p &lt; 1
     */
    public Dropout(double p) {
        this(p, Random.split());
    }

    /**
     * Dropout with probability {@code p}, its masks drawn from {@code rng}.
     *
     * @param p the probability of zeroing an element, in [0, 1)
     * @param rng the source of the masks, one draw per element per training-mode forward pass
     * @throws IllegalArgumentException unless 0 &lt;= p &lt; 1
     */
    public Dropout(double p, RandomGenerator rng) {
        Checks.require(p >= 0 && p < 1, "Dropout: p must be in [0, 1); got %s", p);
        this.p = p;
        this.rng = rng;
    }

    /**
     * Restarts the mask stream from {@code seed}: the trainer does this at each epoch, so that a
     * run resumed from a checkpoint draws the same masks as one never interrupted.
     *
     * @param seed any value; the same seed gives the same masks
     */
    public void reseed(long seed) {
        rng = new SplittableRandom(seed);
    }

    /** {@return the probability of dropping an element, in [0, 1)} */
    public double p() {
        return p;
    }

    /** In training mode, x times a fresh mask of 0 and 1 / (1 - p); in evaluation mode x itself. */
    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        double keep = 1 / (1 - p);
        double[] mask = new double[x.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() < p ? 0 : keep;
        }
        return x.mul(x.dtype() == DType.FLOAT64 ? Tensor.wrap(mask, x.shape()) : Tensor.of(DType.FLOAT32, mask, x.shape()));
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
