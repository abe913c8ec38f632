package backprop.train;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.data.Batches;
import backprop.data.Dataset;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchPrefetchTest {
    private static final int ROWS = 103;
    private static final int FEATURES = 7;
    private static final int BATCH = 10;

    private static float[] features() {
        float[] x = new float[ROWS * FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;                                    // every cell tells which row and column it is
        }
        return x;
    }

    private static Dataset classification() {
        int[] labels = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            labels[i] = i % 3;
        }
        return Dataset.classification(features(), FEATURES, labels, Dataset.defaultFeatureNames(FEATURES), java.util.List.of("a", "b", "c"));
    }

    private static Dataset regression() {
        float[] targets = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            targets[i] = 0.5f * i;
        }
        return Dataset.regression(features(), FEATURES, targets, Dataset.defaultFeatureNames(FEATURES));
    }

    /** Every batch of three shuffled epochs is what the plain fill methods give, prefetched or not. */
    @Test
    void everyBatchHoldsItsOwnRowsAcrossEpochs() {
        for (Dataset data : new Dataset[] {classification(), regression()}) {
            boolean classification = data.task() == backprop.data.Task.CLASSIFICATION;
            Batches order = new Batches(ROWS, BATCH);
            BatchPrefetch prefetch = new BatchPrefetch(data, BATCH, classification);
            for (int epoch = 1; epoch <= 3; epoch++) {
                order.shuffle(new SplittableRandom(epoch));
                for (int b = 0; b < order.count(); b++) {
                    Batch batch = new Batch(order, b, epoch, b, 0.1);
                    BatchPrefetch.Buffers rows = prefetch.gather(batch);
                    assertThat(rows.rows()).isEqualTo(order.size(b));
                    float[] x = new float[BATCH * FEATURES];
                    order.fillFeatures(data, b, x);
                    assertThat(Arrays.copyOf(rows.x, rows.rows() * FEATURES)).isEqualTo(Arrays.copyOf(x, rows.rows() * FEATURES));
                    if (classification) {
                        int[] y = new int[BATCH];
                        order.fillLabels(data, b, y);
                        assertThat(Arrays.copyOf(rows.labels, rows.rows())).isEqualTo(Arrays.copyOf(y, rows.rows()));
                    } else {
                        float[] y = new float[BATCH];
                        order.fillTargets(data, b, y);
                        assertThat(Arrays.copyOf(rows.targets, rows.rows())).isEqualTo(Arrays.copyOf(y, rows.rows()));
                    }
                }
            }
        }
    }

    /** A batch other than the one foreseen (a loop that skipped ahead) is copied where it is asked for. */
    @Test
    void anUnforeseenBatchIsCopiedOnTheSpot() {
        Dataset data = classification();
        Batches order = new Batches(ROWS, BATCH);
        BatchPrefetch prefetch = new BatchPrefetch(data, BATCH, true);
        prefetch.gather(new Batch(order, 0, 1, 0, 0.1));             // queues batch 1
        BatchPrefetch.Buffers rows = prefetch.gather(new Batch(order, 5, 1, 5, 0.1));
        assertThat(rows.x[0]).isEqualTo(5 * BATCH * FEATURES);        // row 50, first column
        assertThat(rows.labels[0]).isEqualTo(50 % 3);
    }

    /** The buffers one step uses are not written while that step runs, however fast the copier is. */
    @Test
    void theBuffersInUseAreNotTheOnesBeingFilled() throws InterruptedException {
        Dataset data = classification();
        Batches order = new Batches(ROWS, BATCH);
        BatchPrefetch prefetch = new BatchPrefetch(data, BATCH, true);
        BatchPrefetch.Buffers first = prefetch.gather(new Batch(order, 0, 1, 0, 0.1));
        float[] before = first.x.clone();
        Thread.sleep(20);                                            // let the copier fill batch 1
        assertThat(first.x).isEqualTo(before);
        assertThat(prefetch.gather(new Batch(order, 1, 1, 1, 0.1))).isNotSameAs(first);
    }
}
