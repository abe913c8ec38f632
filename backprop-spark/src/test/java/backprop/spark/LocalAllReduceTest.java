package backprop.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The all-reduce of ranks that share a JVM, with its ranks as threads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalAllReduceTest {
    private static int groups;

    /** Runs {@code work(rank, all)} on {@code n} ranks of a new group and returns what each threw, or null. */
    private static List<Throwable> onGroup(int n, Duration timeout, BiConsumer<Integer, AllReduce> work) throws Exception {
        String key = "test-" + groups++;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Throwable>> results = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    try (AllReduce all = LocalAllReduce.join(key, rank, n, timeout)) {
                        work.accept(rank, all);
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                }));
            }
            List<Throwable> thrown = new ArrayList<>();
            for (Future<Throwable> f : results) {
                thrown.add(f.get(50, TimeUnit.SECONDS));
            }
            return thrown;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyRankEndsWithTheSameSumRoundAfterRound() throws Exception {
        for (int n : new int[] {1, 2, 3, 5}) {
            int length = 1001;
            float[][] out = new float[n][];
            double[][] doubles = new double[n][];
            List<Throwable> thrown = onGroup(n, Duration.ofSeconds(20), (rank, all) -> {
                float[] v = new float[length];
                for (int round = 0; round < 5; round++) {
                    SplittableRandom random = new SplittableRandom(rank * 31L + round);
                    for (int i = 0; i < length; i++) {
                        v[i] = (float) random.nextDouble(-1, 1);
                    }
                    all.sum(v);
                }
                double[] d = {rank, 1};
                all.sum(d);
                out[rank] = v;
                doubles[rank] = d;
            });
            assertThat(thrown).as("n=%d", n).containsOnlyNulls();
            for (int i = 0; i < length; i++) {
                double expected = 0;
                for (int r = 0; r < n; r++) {
                    expected += (float) new SplittableRandom(r * 31L + 4).doubles(i + 1, -1, 1).toArray()[i];
                }
                assertThat((double) out[0][i]).as("n=%d i=%d", n, i).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
            }
            for (int r = 1; r < n; r++) {
                assertThat(out[r]).as("rank %d holds rank 0's bits", r).isEqualTo(out[0]);
            }
            assertThat(doubles[0]).containsExactly(n * (n - 1) / 2.0, n);
        }
    }

    @Test
    void aRankThatLeavesEndsTheOthersSumsAtOnce() throws Exception {
        long t0 = System.nanoTime();
        List<Throwable> thrown = onGroup(3, Duration.ofSeconds(30), (rank, all) -> {
            if (rank == 1) {
                all.close();   // as its task's failure would
            } else {
                all.sum(new float[10]);
                all.sum(new float[10]);
            }
        });
        assertThat(thrown.get(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("another rank left");
        assertThat(thrown.get(2)).isInstanceOf(IllegalStateException.class).hasMessageContaining("another rank left");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aSilentRankEndsTheOthersWaitWithinTheTimeout() throws Exception {
        List<Throwable> thrown = onGroup(2, Duration.ofMillis(300), (rank, all) -> {
            if (rank == 0) {
                all.sum(new float[10]);
            } else {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertThat(thrown.get(0)).isInstanceOf(IllegalStateException.class).hasMessage("all-reduce: rank 0 waited PT0.3S for the others; one is too slow or gone");
    }
}
