package backprop.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/** The ring all-reduce with its ranks as threads of this JVM, on loopback, meeting through a {@link Rendezvous}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RingAllReduceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Runs {@code work(rank, ring)} on {@code n} connected ranks at once and returns what each threw, or null. */
    private static List<Throwable> onRing(int n, Duration timeout, BiConsumer<Integer, RingAllReduce> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try (Rendezvous rendezvous = Rendezvous.open("127.0.0.1", timeout)) {
            List<Future<Throwable>> results = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    try (RingAllReduce.Listener listener = RingAllReduce.listen("127.0.0.1", timeout)) {
                        List<String> addresses = Rendezvous.exchange(rendezvous.address(), 0, rank, n, listener.address(), timeout);
                        try (RingAllReduce ring = listener.join(rank, addresses)) {
                            work.accept(rank, ring);
                        }
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

    private static float[] values(int rank, int length) {
        SplittableRandom random = new SplittableRandom(rank * 31L + length);
        float[] v = new float[length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }

    @Test
    void everyRankEndsWithTheSameSumForAnyRingSizeAndLength() throws Exception {
        for (int n : new int[] {1, 2, 3, 5}) {
            for (int length : new int[] {0, 1, 2, 7, 1000, 235_146}) {
                float[][] out = new float[n][];
                List<Throwable> thrown = onRing(n, TIMEOUT, (rank, ring) -> {
                    float[] v = values(rank, length);
                    ring.sum(v);
                    out[rank] = v;
                });
                assertThat(thrown).as("n=%d length=%d", n, length).containsOnlyNulls();
                double[] expected = new double[length];
                for (int r = 0; r < n; r++) {
                    float[] v = values(r, length);
                    for (int i = 0; i < length; i++) {
                        expected[i] += v[i];
                    }
                }
                for (int i = 0; i < length; i++) {
                    assertThat((double) out[0][i]).as("n=%d length=%d i=%d", n, length, i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5));
                }
                for (int r = 1; r < n; r++) {
                    assertThat(out[r]).as("rank %d holds rank 0's bits", r).isEqualTo(out[0]);
                }
            }
        }
    }

    @Test
    void doublesAndRepeatedSumsOnOneRing() throws Exception {
        int n = 3;
        double[][] out = new double[n][];
        List<Throwable> thrown = onRing(n, TIMEOUT, (rank, ring) -> {
            double[] v = {rank, 1, 0.5 * rank};
            for (int round = 0; round < 4; round++) {
                ring.sum(v);
                float[] f = {rank + round};
                ring.sum(f);
                assertThat(f[0]).isEqualTo(3 + 3f * round);
            }
            out[rank] = v;
        });
        assertThat(thrown).containsOnlyNulls();
        // the first round sums over the ranks; each later one triples what is now the same on every rank
        assertThat(out[2]).containsExactly(3 * 27.0, 3 * 27.0, 1.5 * 27);
        assertThat(out[0]).isEqualTo(out[1]).isEqualTo(out[2]);
    }

    @Test
    void aRankThatNeverSendsEndsTheOthersWaitWithinTheTimeout() throws Exception {
        long t0 = System.nanoTime();
        List<Throwable> thrown = onRing(3, Duration.ofMillis(500), (rank, ring) -> {
            if (rank != 1) {
                ring.sum(new float[100]);
            } else {
                sleep(3000);   // alive, connected, and silent
            }
        });
        assertThat(thrown.get(2)).isInstanceOf(IllegalStateException.class)
                .hasMessage("all-reduce: rank 2 waited PT0.5S for rank 1's data; the peer is too slow or gone");
        assertThat(thrown.get(0)).isInstanceOf(IllegalStateException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aRankThatDiesEndsItsNeighboursSumAtOnce() throws Exception {
        long t0 = System.nanoTime();
        List<Throwable> thrown = onRing(2, Duration.ofSeconds(30), (rank, ring) -> {
            if (rank == 0) {
                ring.close();   // as its JVM's exit would: the connections go
            } else {
                ring.sum(new float[100]);
            }
        });
        assertThat(thrown.get(1)).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("all-reduce: rank 1 lost its connection from rank 0");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aRendezvousThatOneRankNeverReachesEndsTheOthersWaitWithinTheTimeout() {
        try (Rendezvous rendezvous = Rendezvous.open("127.0.0.1", TIMEOUT)) {
            assertThatThrownBy(() -> Rendezvous.exchange(rendezvous.address(), 0, 0, 2, "127.0.0.1:1", Duration.ofMillis(300)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("rendezvous: rank 0 of 2 got no addresses from " + rendezvous.address() + " within PT0.3S");
        }
    }

    @Test
    void aRendezvousAnswersEachStageAttemptWithItsOwnRanks() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Rendezvous rendezvous = Rendezvous.open("127.0.0.1", TIMEOUT)) {
            // attempt 0's rank 0 came and its stage failed; attempt 1 meets without it
            Future<List<String>> stale = pool.submit(() -> Rendezvous.exchange(rendezvous.address(), 0, 0, 2, "old:0", Duration.ofSeconds(2)));
            Future<List<String>> zero = pool.submit(() -> Rendezvous.exchange(rendezvous.address(), 1, 0, 2, "a:1", TIMEOUT));
            List<String> one = Rendezvous.exchange(rendezvous.address(), 1, 1, 2, "b:2", TIMEOUT);
            assertThat(one).containsExactly("a:1", "b:2");
            assertThat(zero.get(20, TimeUnit.SECONDS)).containsExactly("a:1", "b:2");
            assertThatThrownBy(() -> stale.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRankOutsideTheRingIsACallersMistake() {
        try (RingAllReduce.Listener l = RingAllReduce.listen("127.0.0.1", TIMEOUT)) {
            assertThatThrownBy(() -> l.join(2, List.of(l.address(), l.address())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("all-reduce: rank must be in [0, 2); got 2");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
