package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitTest {
    /** n rows whose single feature is the row number; label = row % classes. */
    static Dataset numbered(int n, int classes) {
        float[] x = new float[n];
        int[] y = new int[n];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i % classes;
        }
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
        }
        return Dataset.classification(x, 1, y, List.of("row"), names);
    }

    @Test
    void everyRowLandsInExactlyOnePart() {
        Split s = Split.shuffled(numbered(100, 3), 0.2, new SplittableRandom(7));
        assertThat(s.test().size()).isEqualTo(20);
        assertThat(s.train().size()).isEqualTo(80);
        List<Float> all = new ArrayList<>();
        for (float v : s.train().features()) all.add(v);
        for (float v : s.test().features()) all.add(v);
        assertThat(all).hasSize(100).doesNotHaveDuplicates();
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        Dataset d = numbered(50, 2);
        float[] a = Split.shuffled(d, 0.3, new SplittableRandom(1)).test().features();
        float[] b = Split.shuffled(d, 0.3, new SplittableRandom(1)).test().features();
        float[] c = Split.shuffled(d, 0.3, new SplittableRandom(2)).test().features();
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void stratifiedKeepsTheClassProportions() {
        Split s = Split.stratified(numbered(90, 3), 0.2, new SplittableRandom(3));
        assertThat(s.test().classCounts()).containsExactly(6, 6, 6);
        assertThat(s.train().classCounts()).containsExactly(24, 24, 24);
    }

    @Test
    void aTinyFractionStillHoldsOutOneRow() {
        Split s = Split.shuffled(numbered(5, 1), 0.01, new SplittableRandom(0));
        assertThat(s.test().size()).isEqualTo(1);
    }

    @Test
    void rejectsFractionsOutsideTheOpenInterval() {
        assertThatThrownBy(() -> Split.shuffled(numbered(5, 1), 1.0, new SplittableRandom(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("testFraction must be in (0, 1); got 1.0");
    }
}
