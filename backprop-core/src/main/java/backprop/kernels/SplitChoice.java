package backprop.kernels;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a product of one shape runs faster whole on the calling thread or split over the
 * compute pool, decided by timing both, per shape and per calling thread: how much a split pays
 * depends on the shape, the CPU, and whether another process is using the other cores right now,
 * so no threshold written down beforehand is right everywhere.
 *
 * <p>A shape's first calls run split. At its 4th, 32nd, 128th and 512th call, and every 2,048
 * calls after that, {@link #ROUNDS} calls of each kind alternate under the clock, and the faster
 * median (with a margin for the split) wins until the next trial: a run follows the JIT's warm-up
 * first, then changes in the machine's load, at a cost of a few slower calls in thousands. The results do not depend on the
 * choice (the kernels give every element of C the same bits however C is split), so timing noise
 * costs speed at worst, never reproducibility.
 */
final class SplitChoice {
    static final int ROUNDS = 5;
    /**
     * The split is kept unless the whole product is at least this much faster: trials run while the
     * JIT still compiles and the two are close, and a split that loses to a busy machine loses by
     * far more (a worker waiting for a core costs milliseconds).
     */
    private static final double SPLIT_MARGIN = 1.1;
    private static final long[] FIRST_TRIALS = {4, 32, 128, 512};
    private static final long TRIAL_EVERY = 2048;

    private final Map<Shape, Plan> plans = new HashMap<>();

    private record Shape(boolean dbl, boolean transA, boolean transB, int m, int n, int k) {}

    /** The plan for this shape, made on first use. */
    Plan plan(boolean dbl, boolean transA, boolean transB, int m, int n, int k) {
        return plans.computeIfAbsent(new Shape(dbl, transA, transB, m, n, k), s -> new Plan());
    }

    /** One shape's calls so far, and what the last trial found. */
    static final class Plan {
        private long calls;
        private long nextTrial = FIRST_TRIALS[0];
        private int trialIndex;
        private boolean split = true;
        private int sample = -1;
        private final long[] whole = new long[ROUNDS];
        private final long[] parted = new long[ROUNDS];

        /** {@return whether this call should be split} Call {@link #timed} next if {@link #timing()} says so. */
        boolean splitNext() {
            calls++;
            if (sample < 0 && calls == nextTrial) {
                sample = 0;
            }
            return sample >= 0 ? sample % 2 == 1 : split;
        }

        /** {@return whether the call {@link #splitNext} just planned is to be timed} */
        boolean timing() {
            return sample >= 0;
        }

        /** Records how long the planned call took; ends the trial after its last call. */
        void timed(long nanos) {
            (sample % 2 == 1 ? parted : whole)[sample / 2] = nanos;
            if (++sample == 2 * ROUNDS) {
                split = median(parted) < SPLIT_MARGIN * median(whole);
                sample = -1;
                trialIndex++;
                nextTrial = trialIndex < FIRST_TRIALS.length ? FIRST_TRIALS[trialIndex] : calls + TRIAL_EVERY;
            }
        }

        /** {@return what the last trial chose} */
        boolean split() {
            return split;
        }

        private static long median(long[] values) {
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[sorted.length / 2];
        }
    }
}
