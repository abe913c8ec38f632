package backprop;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The library-wide random stream, as PyTorch's default generator: layers built without an
 * explicit generator ({@code new Linear(4, 16)}, {@code new Dropout(0.5)}) draw from it, and
 * {@link #manualSeed(long)} makes everything after it reproducible, as {@code torch.manual_seed}.
 *
 * <p>The stream starts from a fixed seed, so a program that never seeds is reproducible too.
 * Draws are serialized, so sharing it between threads is safe (but which thread gets which
 * draws then depends on timing). Code that must not depend on what else drew from the stream
 * passes its own {@link RandomGenerator} instead, as the training loop does.
 */
public final class Random {
    /** The seed of the stream before any {@link #manualSeed(long)}. */
    public static final long DEFAULT_SEED = 0x5EED_BAC6_A0D4L;

    private static SplittableRandom stream = new SplittableRandom(DEFAULT_SEED);

    private static final RandomGenerator SHARED = new RandomGenerator() {
        @Override
        public long nextLong() {
            synchronized (Random.class) {
                return stream.nextLong();
            }
        }
    };

    private Random() {}

    /**
     * Restarts the library-wide stream from {@code seed}, as {@code torch.manual_seed}.
     *
     * @param seed any value; the same seed gives the same draws from here on
     */
    public static synchronized void manualSeed(long seed) {
        stream = new SplittableRandom(seed);
    }

    /**
     * {@return the library-wide stream itself: every draw from it advances it for everyone; safe to
     * share between threads}
     */
    public static RandomGenerator generator() {
        return SHARED;
    }

    /**
     * A new independent stream split off the library-wide one (advancing it by one split), for an
     * object that draws for its whole life, such as a dropout layer's masks.
     *
     * @return a new generator, not thread-safe, whose draws no longer depend on the shared stream
     */
    public static synchronized SplittableRandom split() {
        return stream.split();
    }
}
