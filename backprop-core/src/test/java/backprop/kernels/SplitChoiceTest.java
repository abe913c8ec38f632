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
        // trials at the 4th, 32nd, 128th, 512th call and every 2048 after the last one ends: 13 of 10 calls
        assertThat(timed).isEqualTo(13L * 2 * SplitChoice.ROUNDS);

        long[] busy = {0};
        play(plan, 8192, 2000, 1000, busy);
        assertThat(plan.split()).as("a busier machine makes the split slower").isFalse();
        long[] after = {0};
        play(plan, 2048, 2000, 1000, after);
        assertThat(after[0]).as("splits now happen only inside the one trial").isEqualTo(SplitChoice.ROUNDS);
    }

    @Test
    void aShapeStartsSplitAndEachShapeHasItsOwnPlan() {
        SplitChoice choice = quiet();
        SplitChoice.Plan a = choice.plan(false, false, false, 64, 64, 64);
        assertThat(a.splitNext()).isTrue();
        assertThat(choice.plan(false, false, false, 64, 64, 64)).isSameAs(a);
        assertThat(choice.plan(true, false, false, 64, 64, 64)).isNotSameAs(a);
        assertThat(choice.plan(false, true, false, 64, 64, 64)).isNotSameAs(a);
    }

    @Test
    void oneSlowOutlierDoesNotDecide() {
        SplitChoice.Plan plan = quiet().plan(false, false, false, 8, 8, 8);
        for (int c = 0; c < 3; c++) {
            plan.splitNext();
        }
        int sample = 0;
        while (true) {
            boolean split = plan.splitNext();
            if (!plan.timing()) {
                break;
            }
            // the split is faster but for one call that a context switch made a hundred times slower
            plan.timed(split ? (sample == 1 ? 100_000 : 900) : 1000);
            sample++;
        }
        assertThat(plan.split()).isTrue();
    }

    /**
     * A trial run while the JIT compiles is repeated soon, not left to stand for the schedule's
     * hundreds of calls: the whole product won while the split's worker shared its core with the
     * compiler, and the split wins once the compiler is done.
     */
    @Test
    void aVerdictReachedWhileTheJitCompilesIsTriedAgainSoon() {
        FakeClock clock = new FakeClock();
        SplitChoice.Plan plan = new SplitChoice(clock).plan(false, false, true, 128, 256, 784);
        long[] splits = {0};
        long calls = 0;
        while (calls < 2 * SplitChoice.RETRY_WHILE_COMPILING + 40) {      // through the first trials, the JIT busy
            clock.compileMillis += 10;                                      // 10 ms of compiling per 1 ms of time read
            play(plan, 1, 2000, 1000, splits);
            calls++;
        }
        assertThat(plan.split()).as("the compiler's core made the split slower").isFalse();
        // the JIT is done, and the split is faster: found within one retry, not at call 512
        long before = splits[0];
        play(plan, (int) SplitChoice.RETRY_WHILE_COMPILING + 2 * SplitChoice.ROUNDS, 900, 1000, splits);
        assertThat(plan.split()).isTrue();
        assertThat(splits[0] - before).isGreaterThan(SplitChoice.ROUNDS);
    }

    /** Once the JIT is quiet, the schedule goes on where it stood: no trial every 64 calls forever. */
    @Test
    void aQuietJitLeavesTheSchedule() {
        FakeClock clock = new FakeClock();
        SplitChoice.Plan plan = new SplitChoice(clock).plan(false, false, true, 128, 256, 784);
        long[] splits = {0};
        assertThat(play(plan, 20_000, 900, 1000, splits)).isEqualTo(13L * 2 * SplitChoice.ROUNDS);
    }
}
