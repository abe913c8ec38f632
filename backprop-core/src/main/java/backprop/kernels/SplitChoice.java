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
 * <p>A shape's calls run whole until its first trial, at its 4th call. In a trial {@link #ROUNDS}
 * calls of each kind alternate under the clock, and the faster median (with a margin for the
 * split) wins; but the split takes over only when it has won two trials running, and one loss
 * ends it. A trial's few milliseconds can fall in a moment when another process has left the
 * worker's core free: with one core kept busy, single trials said "split" (parted 418 us against
 * 663 whole) and the next one "whole" (894 against 642); a lone verdict for the split stood for
 * the next 500 calls, and that epoch of the W1 run ran at 44.8k samples/s against 68k at one
 * thread. After a trial whose verdict repeats the last one, the next comes four times as many
 * calls later, from {@link #FIRST_INTERVAL} up to {@link #TRIAL_EVERY}; after a change of
 * verdict, {@link #FIRST_INTERVAL} calls later again. So while the machine is steady a trial
 * costs a few slower calls in thousands; while verdicts keep changing, one call in eight is a
 * trial's split. The results do not depend on the choice (the kernels give every element of C
 * the same bits however C is split), so timing noise costs speed at worst, never reproducibility.
 *
 * <p>A trial that falls due while the JIT is compiling (it has spent more than
 * {@link #COMPILING_SHARE} of the time since the last trial or postponement compiling) is put
 * off by {@link #RETRY_WHILE_COMPILING} calls, and the products run whole meanwhile: the
 * compiler threads need the other cores. A split's worker then shares its core with the compiler
 * and the split waits for it (measured in W1's first epochs: 200-230 us split against 90-110
 * whole for the same product, in trials that ran while the JIT compiled), and the compiler, kept
 * from the core, finishes later, which keeps the whole run on slower code for longer. Trials used
 * to run anyway, and their verdicts flipped with each burst of compiling; a verdict of "whole"
 * from a moment the JIT looked quiet then stood for thousands of calls (some five-epoch W1 runs
 * stayed at 72-75k samples/s from the third epoch on, where runs that split settle at
 * 100-110k). A JVM whose JIT never goes quiet keeps its products whole.
 */
final class SplitChoice {
    static final int ROUNDS = 5;
    /**
     * A split wins a trial unless the whole product is at least this much faster: where the two are
     * close, timing noise decides, and a split that loses to a busy machine loses by far more (a
     * worker waiting for a core costs milliseconds).
     */
    private static final double SPLIT_MARGIN = 1.1;
    private static final long FIRST_TRIAL = 4;
    static final long FIRST_INTERVAL = 32;
    static final long TRIAL_EVERY = 2048;
    /**
     * The share of the time since the last trial that the JIT may have spent compiling for a trial
     * to run. After its first seconds the compiler works in bursts of 5-30% of a core through a
     * run's first epochs; at 5% those bursts put trials off into W1's fourth epoch in some runs,
     * and the two wins a split needs already guard against a trial's luck. Five-epoch W1 runs,
     * two sets of four, alternating: medians 74.4k and 72.6k samples/s at 25% against 66.5k and 69.2k
     * at 5% (bench/RESULTS.md).
     */
    static final double COMPILING_SHARE = 0.25;
    /** How many calls a trial that falls due while the JIT is compiling is put off by. */
    static final long RETRY_WHILE_COMPILING = 64;

    /** What the plans read the JIT's progress and the time from. */
    interface Clock {
        /** {@return the milliseconds the JIT has spent compiling so far, over all its threads} */
        long compileMillis();

        /** {@return a monotonic time in nanoseconds} */
        long nanoTime();

        /** HotSpot's count, or none (a JVM without a JIT, or without the count: never compiling). */
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
        /** The JIT's count and the time when the last trial or postponement ended: the window the next one judges. */
        private long windowCompileMillis;
        private long windowStartNanos;
        private long calls;
        private long nextTrial = FIRST_TRIAL;
        /**
         * Calls from the end of the last trial to the next one. It starts at a quarter of
         * {@link #FIRST_INTERVAL} so that the second trial comes {@code FIRST_INTERVAL} calls after
         * the first whichever way the first goes.
         */
        private long interval = FIRST_INTERVAL / 4;
        /**
         * Whether the split won the last trial: it takes over only when it wins twice running. A
         * postponement leaves this as it was, so a split that had taken over before a burst of
         * compiling takes over again at the first quiet trial it wins.
         */
        private boolean lastSplitWon;
        private boolean split;
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
                if (jitWasCompiling()) {
                    split = false;
                    nextTrial = calls + RETRY_WHILE_COMPILING;
                    startWindow();
                } else {
                    sample = 0;
                }
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
                boolean splitWon = median(parted) < SPLIT_MARGIN * median(whole);
                split = splitWon && lastSplitWon;
                interval = splitWon == lastSplitWon ? Math.min(TRIAL_EVERY, 4 * interval) : FIRST_INTERVAL;
                lastSplitWon = splitWon;
                sample = -1;
                nextTrial = calls + interval;
                startWindow();
            }
        }

        /**
         * {@return whether the JIT spent more than {@link #COMPILING_SHARE} of the time since the
         * last trial (or postponement) compiling} The count grows when a compilation ends, by all
         * of its time, so it is judged over the whole window, not only over the latest calls.
         */
        private boolean jitWasCompiling() {
            double wallMillis = Math.max(1, clock.nanoTime() - windowStartNanos) / 1e6;
            return clock.compileMillis() - windowCompileMillis > COMPILING_SHARE * wallMillis;
        }

        /** {@return the calls of this shape so far} */
        long calls() {
            return calls;
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
