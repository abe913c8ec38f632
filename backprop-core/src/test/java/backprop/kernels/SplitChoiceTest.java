package backprop.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SplitChoiceTest {

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
        SplitChoice.Plan plan = new SplitChoice().plan(false, false, true, 128, 256, 784);
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
        SplitChoice choice = new SplitChoice();
        SplitChoice.Plan a = choice.plan(false, false, false, 64, 64, 64);
        assertThat(a.splitNext()).isTrue();
        assertThat(choice.plan(false, false, false, 64, 64, 64)).isSameAs(a);
        assertThat(choice.plan(true, false, false, 64, 64, 64)).isNotSameAs(a);
        assertThat(choice.plan(false, true, false, 64, 64, 64)).isNotSameAs(a);
    }

    @Test
    void oneSlowOutlierDoesNotDecide() {
        SplitChoice.Plan plan = new SplitChoice().plan(false, false, false, 8, 8, 8);
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
}
