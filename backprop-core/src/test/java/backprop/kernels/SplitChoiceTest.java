package backprop.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SplitChoiceTest {
    /** A JIT and a clock under the test's control: each reading of the time advances it 1 ms. */
    private static final class FakeClock implements SplitChoice.Clock {
        long compileMillis;
        long nanos;

        @Override
        public long compileMillis() {
            return compileMillis;
        }

        @Override
        public long nanoTime() {
            return nanos += 1_000_000;
        }
    }

    /** Plans under a JIT that compiles nothing, so that only the schedule sets the trials. */
    private static SplitChoice quiet() {
        return new SplitChoice(new FakeClock());
    }

    /** Plays calls with made-up times: a split takes {@code splitNanos}, a whole call {@code wholeNanos}. */
    private static long play(SplitChoice.Plan plan, int calls, long splitNanos, long wholeNanos, long[] splitCalls) {
        long timed = 0;
        for (int c = 0; c < calls; c++) {
            boolean split = plan.splitNext();
            if (split) {
                splitCalls[0]++;
            }
            if (plan.timing()) {
                timed++;
                plan.timed(split ? splitNanos : wholeNanos);
            }
        }
        return timed;
    }

    @Test
    void theFasterWayWinsAndTrialsAreRare() {
        SplitChoice.Plan plan = quiet().plan(false, false, true, 128, 256, 784);
        long[] splits = {0};
        long timed = play(plan, 20_000, 900, 1000, splits);
        assertThat(plan.split()).isTrue();
        // trials at the 4th call, then 32, 128, 512 and every 2048 calls after the end of the last: 13 of 10 calls
        // (the split's first win is not enough: it takes over at the second trial)
        assertThat(timed).isEqualTo(13L * 2 * SplitChoice.ROUNDS);

        long[] busy = {0};
        play(plan, 8192, 2000, 1000, busy);
        assertThat(plan.split()).as("a busier machine makes the split slower").isFalse();
        long[] after = {0};
        play(plan, 2048, 2000, 1000, after);
        assertThat(after[0]).as("splits now happen only inside the one trial").isEqualTo(SplitChoice.ROUNDS);
    }

    @Test
    void aShapeStartsWholeAndEachShapeHasItsOwnPlan() {
        SplitChoice choice = quiet();
        SplitChoice.Plan a = choice.plan(false, false, false, 64, 64, 64);
        assertThat(a.splitNext()).isFalse();
        assertThat(choice.plan(false, false, false, 64, 64, 64)).isSameAs(a);
        assertThat(choice.plan(true, false, false, 64, 64, 64)).isNotSameAs(a);
        assertThat(choice.plan(false, true, false, 64, 64, 64)).isNotSameAs(a);
    }

    /** Plays calls up to the end of the next trial, timing a split at {@code splitNanos} but for an outlier in its second call. */
    private static void trial(SplitChoice.Plan plan, long splitNanos, long wholeNanos, long outlierNanos) {
        int sample = 0;
        while (true) {
            boolean split = plan.splitNext();
            if (plan.timing()) {
                plan.timed(split ? (sample == 3 ? outlierNanos : splitNanos) : wholeNanos);
                sample++;
            } else if (sample > 0) {
                return;
            }
        }
    }

    @Test
    void oneSlowOutlierDoesNotDecide() {
        SplitChoice.Plan plan = quiet().plan(false, false, false, 8, 8, 8);
        // the split is faster but for one call that a context switch made a hundred times slower
        trial(plan, 900, 1000, 100_000);
        trial(plan, 900, 1000, 100_000);
        assertThat(plan.split()).isTrue();
    }

    /**
     * A trial can fall in a moment when another process leaves the worker's core free: the split
     * takes over only after two wins running, and gives way after one loss.
     */
    @Test
    void theSplitMustWinTwiceRunning() {
        SplitChoice.Plan plan = quiet().plan(false, false, false, 64, 64, 64);
        trial(plan, 900, 1000, 900);
        assertThat(plan.split()).as("one win").isFalse();
        trial(plan, 3000, 1000, 3000);
        assertThat(plan.split()).isFalse();
        trial(plan, 900, 1000, 900);
        assertThat(plan.split()).as("a win after a loss").isFalse();
        trial(plan, 900, 1000, 900);
        assertThat(plan.split()).as("two wins running").isTrue();
        trial(plan, 3000, 1000, 3000);
        assertThat(plan.split()).as("one loss").isFalse();
    }

    /** Plays calls while the JIT spends ten times the clock's time compiling; returns how many were timed. */
    private static long playCompiling(FakeClock clock, SplitChoice.Plan plan, int calls, long[] splits) {
        long timed = 0;
        for (int c = 0; c < calls; c++) {
            clock.compileMillis += 10;
            timed += play(plan, 1, 900, 1000, splits);
        }
        return timed;
    }

    /**
     * While the JIT compiles, every call runs whole and none is timed, though the split would be
     * faster: the compiler needs the other core. The first trial comes soon after it is done.
     */
    @Test
    void whileTheJitCompilesNothingIsSplitOrTimed() {
        FakeClock clock = new FakeClock();
        SplitChoice.Plan plan = new SplitChoice(clock).plan(false, false, true, 128, 256, 784);
        long[] splits = {0};
        assertThat(playCompiling(clock, plan, 1000, splits)).isZero();
        assertThat(splits[0]).isZero();

        long timed = play(plan, (int) (2 * SplitChoice.RETRY_WHILE_COMPILING + SplitChoice.FIRST_INTERVAL) + 4 * SplitChoice.ROUNDS,
                900, 1000, splits);
        assertThat(timed).as("two trials, the first within two postponements").isEqualTo(4L * SplitChoice.ROUNDS);
        assertThat(plan.split()).isTrue();
    }

    /** A burst of compiling after a split verdict turns the calls whole again, until a quiet trial. */
    @Test
    void aBurstOfCompilingTurnsASplitWhole() {
        FakeClock clock = new FakeClock();
        SplitChoice.Plan plan = new SplitChoice(clock).plan(false, false, true, 128, 256, 784);
        long[] splits = {0};
        play(plan, 100, 900, 1000, splits);
        assertThat(plan.split()).isTrue();

        playCompiling(clock, plan, (int) SplitChoice.FIRST_INTERVAL * 4 + 1, splits);   // past the next trial's due call
        assertThat(plan.split()).isFalse();
        assertThat(plan.splitNext()).isFalse();
    }

    /** Once the JIT is quiet, the trials thin out from the first quiet one: no trial every 64 calls forever. */
    @Test
    void aQuietJitThinsTheTrialsOut() {
        FakeClock clock = new FakeClock();
        SplitChoice.Plan plan = new SplitChoice(clock).plan(false, false, true, 128, 256, 784);
        long[] splits = {0};
        playCompiling(clock, plan, 1000, splits);
        assertThat(play(plan, 20_000, 900, 1000, splits)).isEqualTo(13L * 2 * SplitChoice.ROUNDS);
        assertThat(plan.split()).isTrue();
    }

    /** After trials 2,048 calls apart, a change of verdict brings the next trial 32 calls later. */
    @Test
    void aChangeOfVerdictBringsTheNextTrialSoon() {
        SplitChoice.Plan plan = quiet().plan(false, false, true, 128, 256, 784);
        play(plan, 20_000, 900, 1000, new long[1]);
        trial(plan, 3000, 1000, 3000);   // the machine got busy
        assertThat(plan.split()).isFalse();
        long timed = play(plan, (int) SplitChoice.FIRST_INTERVAL + 2 * SplitChoice.ROUNDS, 3000, 1000, new long[1]);
        assertThat(timed).isEqualTo(2L * SplitChoice.ROUNDS);
    }
}
