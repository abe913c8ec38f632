package backprop.kernels;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
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
 * first, then changes in the machine's load, at a cost of a few slower calls in thousands. The
 * results do not depend on the choice (the kernels give every element of C the same bits however
 * C is split), so timing noise costs speed at worst, never reproducibility.
 *
 * <p>While the JIT is still compiling, a trial's verdict is provisional: the compiler threads take
 * a core from the split's worker, and the code under the clock is not yet the code that will run.
 * Such a verdict used to stand until the next trial in the schedule, hundreds of calls later
 * (measured: some W1 runs kept their products whole until the sixth epoch, at 69k samples/s
 * where a split reaches 95k). So a trial after which the JIT is found to have spent more than
 * {@link #COMPILING_SHARE} of the time since the previous trial compiling is repeated after {@link #RETRY_WHILE_COMPILING}
 * calls, and the schedule goes on from the first trial that finds the JIT quiet.
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
    /** The share of a trial's time the JIT may spend compiling for the trial to count as final. */
    static final double COMPILING_SHARE = 0.05;
    /** How soon a trial that ran while the JIT was compiling is repeated. */
    static final long RETRY_WHILE_COMPILING = 64;

    /** What the plans read the JIT's progress and the time from. */
    interface Clock {
        /** {@return the milliseconds the JIT has spent compiling so far, over all its threads} */
        long compileMillis();

        /** {@return a monotonic time in nanoseconds} */
        long nanoTime();

        /** HotSpot's count, or none (a JVM without a JIT, or without the count: every trial final). */
        Clock JVM = new Clock() {
            private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            private final boolean counted = jit != null && jit.isCompilationTimeMonitoringSupported();

            @Override
            public long compileMillis() {
                return counted ? jit.getTotalCompilationTime() : 0;
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
    }

    private final Map<Shape, Plan> plans = new HashMap<>();
    private final Clock clock;

    /** Plans that read the JVM's JIT count. */
    SplitChoice() {
        this(Clock.JVM);
    }

    /** Plans that read {@code clock}. */
    SplitChoice(Clock clock) {
        this.clock = clock;
    }

    private record Shape(boolean dbl, boolean transA, boolean transB, int m, int n, int k) {}

    /** The plan for this shape, made on first use. */
    Plan plan(boolean dbl, boolean transA, boolean transB, int m, int n, int k) {
        return plans.computeIfAbsent(new Shape(dbl, transA, transB, m, n, k), s -> new Plan(clock));
    }

    /** One shape's calls so far, and what the last trial found. */
    static final class Plan {
        private final Clock clock;
        /** The JIT's count and the time when the last trial ended: the window the next trial judges. */
        private long windowCompileMillis;
        private long windowStartNanos;
        private long calls;
        private long nextTrial = FIRST_TRIALS[0];
        private int trialIndex;
        private boolean split = true;
        private int sample = -1;
        private final long[] whole = new long[ROUNDS];
        private final long[] parted = new long[ROUNDS];

        private Plan(Clock clock) {
            this.clock = clock;
            startWindow();
        }

        private void startWindow() {
            windowCompileMillis = clock.compileMillis();
            windowStartNanos = clock.nanoTime();
        }

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
                if (jitWasCompiling()) {
                    nextTrial = calls + RETRY_WHILE_COMPILING;
                } else {
                    while (trialIndex < FIRST_TRIALS.length && FIRST_TRIALS[trialIndex] <= calls) {
                        trialIndex++;
                    }
                    nextTrial = trialIndex < FIRST_TRIALS.length ? FIRST_TRIALS[trialIndex] : calls + TRIAL_EVERY;
                }
                startWindow();
            }
        }

        /**
         * {@return whether the JIT spent more than {@link #COMPILING_SHARE} of the time since the
         * last trial compiling} The count grows when a compilation ends, by all of its time, so it
         * is judged over the whole window, not only the few calls under the clock.
         */
        private boolean jitWasCompiling() {
            double wallMillis = Math.max(1, clock.nanoTime() - windowStartNanos) / 1e6;
            return clock.compileMillis() - windowCompileMillis > COMPILING_SHARE * wallMillis;
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
