package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class BatchesProperties {
    @Property
    void everyRowAppearsExactlyOncePerEpoch(@ForAll @IntRange(min = 0, max = 300) int n,
                                            @ForAll @IntRange(min = 1, max = 70) int batchSize,
                                            @ForAll long seed) {
        Dataset data = numbered(n);
        Batches batches = new Batches(n, batchSize);
        float[] x = new float[batchSize];
        SplittableRandom random = new SplittableRandom(seed);
        for (int epoch = 0; epoch < 2; epoch++) {
            batches.shuffle(random);
            int[] seen = new int[n];
            int total = 0;
            for (int b = 0; b < batches.count(); b++) {
                int rows = batches.fillFeatures(data, b, x);
                assertThat(rows).isBetween(1, batchSize);
                for (int i = 0; i < rows; i++) {
                    seen[(int) x[i]]++;
                }
                total += rows;
            }
            assertThat(total).isEqualTo(n);
            assertThat(java.util.Arrays.stream(seen).allMatch(c -> c == 1)).isTrue();
        }
    }

    @Property
    void theSameSeedGivesTheSameOrder(@ForAll @IntRange(min = 1, max = 200) int n, @ForAll long seed) {
        Batches a = new Batches(n, 7);
        Batches b = new Batches(n, 7);
        a.shuffle(new SplittableRandom(seed));
        b.shuffle(new SplittableRandom(seed));
        for (int k = 0; k < a.count(); k++) {
            assertThat(a.rows(k)).isEqualTo(b.rows(k));
        }
    }

    static Dataset numbered(int n) {
        float[] x = new float[n];
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            t[i] = -i;
        }
        return Dataset.regression(x, 1, t, List.of("row"));
    }
}
