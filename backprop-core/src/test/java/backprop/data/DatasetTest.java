package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
    static Dataset small() {
        // 4 rows x 2 features; feature 0 is the row index, feature 1 is ten times it.
        return Dataset.classification(new float[] {0, 0, 1, 10, 2, 20, 3, 30}, 2, new int[] {0, 1, 0, 1},
                List.of("a", "b"), List.of("no", "yes"));
    }

    @Test
    void accessorsDescribeTheTable() {
        Dataset d = small();
        assertThat(d.size()).isEqualTo(4);
        assertThat(d.numFeatures()).isEqualTo(2);
        assertThat(d.numClasses()).isEqualTo(2);
        assertThat(d.task()).isEqualTo(Task.CLASSIFICATION);
        assertThat(d.feature(2, 1)).isEqualTo(20f);
        assertThat(d.classCounts()).containsExactly(2, 2);
        assertThat(d).hasToString("Dataset[4 x 2, classification, 2 classes]");
    }

    @Test
    void arraysAreCopiesSoTheDatasetStaysImmutable() {
        float[] x = {1, 2};
        Dataset d = Dataset.regression(x, 1, new float[] {5, 6}, List.of("x"));
        x[0] = 99;
        d.features()[1] = 99;
        d.targets()[0] = 99;
        assertThat(d.features()).containsExactly(1, 2);
        assertThat(d.targets()).containsExactly(5, 6);
        assertThat(d.numClasses()).isZero();
    }

    @Test
    void subsetTakesRowsInTheGivenOrder() {
        Dataset s = small().subset(new int[] {3, 1});
        assertThat(s.features()).containsExactly(3, 30, 1, 10);
        assertThat(s.labels()).containsExactly(1, 1);
        assertThat(s.classNames()).containsExactly("no", "yes");
    }

    @Test
    void copyRowsFillsTheFrontOfALargerBuffer() {
        float[] buf = new float[6];
        java.util.Arrays.fill(buf, -1);
        int n = small().copyRows(new int[] {2, 0, 3}, 1, 3, buf);
        assertThat(n).isEqualTo(2);
        assertThat(buf).containsExactly(0, 0, 3, 30, -1, -1);
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        assertThatThrownBy(() -> Dataset.classification(new float[] {1}, 1, new int[] {2}, List.of("x"), List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be in 0..1; got 2");
    }

    @Test
    void labelsOfARegressionSetAreAStateError() {
        Dataset d = Dataset.regression(new float[] {1}, 1, new float[] {2}, List.of("x"));
        assertThatThrownBy(d::labels).isInstanceOf(IllegalStateException.class);
    }
}
