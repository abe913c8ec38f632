package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchesTest {
    @Test
    void theLastPartialBatchIsIncluded() {
        Batches b = new Batches(10, 4);
        assertThat(b.count()).isEqualTo(3);
        assertThat(b.size(0)).isEqualTo(4);
        assertThat(b.size(2)).isEqualTo(2);
        assertThat(b.rows(2)).containsExactly(8, 9);
    }

    @Test
    void fillsLabelsAndTargetsOfTheSameRowsAsTheFeatures() {
        Dataset data = BatchesProperties.numbered(9);
        Batches b = new Batches(9, 4);
        b.shuffle(new SplittableRandom(5));
        float[] x = new float[4];
        float[] t = new float[4];
        int rows = b.fillFeatures(data, 1, x);
        b.fillTargets(data, 1, t);
        for (int i = 0; i < rows; i++) {
            assertThat(t[i]).isEqualTo(-x[i]);
        }
    }

    @Test
    void anEpochsOrderDependsOnlyOnTheRandomState() {
        Batches b = new Batches(20, 5);
        b.shuffle(new SplittableRandom(9));
        b.shuffle(new SplittableRandom(1));
        Batches fresh = new Batches(20, 5);
        fresh.shuffle(new SplittableRandom(1));
        assertThat(b.rows(0)).isEqualTo(fresh.rows(0));
    }
}
