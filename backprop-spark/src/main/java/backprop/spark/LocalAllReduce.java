package backprop.spark;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The all-reduce of ranks that are threads of one JVM: every rank hands in its vector, rank
 * {@code r} adds up chunk {@code r} over the ranks (in rank order) and writes the sum into every
 * rank's vector, and a second barrier lets them all go on. Each chunk is added once, so all
 * ranks end with the same bits. Over memory it costs a fraction of the loopback ring (no copies
 * into socket buffers, no I/O threads competing for the cores the ranks compute on).
 *
 * <p>A rank that leaves (its task failed or was killed) ends the group: the others' sums, now or
 * later, fail at once instead of waiting out the timeout.
 */
final class LocalAllReduce implements AllReduce {
    /** The groups meeting in this JVM, by the key their ranks agreed on. */
    private static final Map<String, Group> GROUPS = new ConcurrentHashMap<>();

    private static final class Group {
        final Phaser barrier;
        final Object[] vectors;
        int open;
        /**
         * The last phase every rank reached: a rank that leaves after the group's last sum ends the
         * barrier, and one still on its way out of that sum must not take it for a failure.
         */
        volatile int passed = -1;

        Group(int size) {
            this.barrier = new Phaser(size) {
                @Override
                protected boolean onAdvance(int phase, int parties) {
                    passed = phase;
                    return false;
                }
            };
            this.vectors = new Object[size];
            this.open = size;
        }
    }

    private final String key;
    private final Group group;
    private final int rank;
    private final int size;
    private final Duration timeout;
    private long blocked;
    private boolean closed;

    private LocalAllReduce(String key, Group group, int rank, int size, Duration timeout) {
        this.key = key;
        this.group = group;
        this.rank = rank;
        this.size = size;
        this.timeout = timeout;
    }

    /**
     * Joins the group {@code key} (unique to one stage attempt) as {@code rank} of {@code size}:
     * every rank must be a thread of this JVM.
     */
    static LocalAllReduce join(String key, int rank, int size, Duration timeout) {
        if (rank < 0 || rank >= size) {
            throw new IllegalArgumentException("all-reduce: rank must be in [0, %d); got %d".formatted(size, rank));
        }
        Group group = GROUPS.computeIfAbsent(key, k -> new Group(size));
        return new LocalAllReduce(key, group, rank, size, timeout);
    }

    @Override
    public void sum(float[] v) {
        group.vectors[rank] = v;
        await();
        int from = (int) ((long) v.length * rank / size);
        int to = (int) ((long) v.length * (rank + 1) / size);
        float[][] all = new float[size][];
        for (int q = 0; q < size; q++) {
            all[q] = (float[]) group.vectors[q];
            if (all[q].length != v.length) {
                throw new IllegalStateException("all-reduce: rank %d has %d values, rank %d has %d".formatted(q, all[q].length, rank, v.length));
            }
        }
        for (int i = from; i < to; i++) {
            float s = all[0][i];
            for (int q = 1; q < size; q++) {
                s += all[q][i];
            }
            for (int q = 0; q < size; q++) {
                all[q][i] = s;
            }
        }
        await();
    }

    @Override
    public void sum(double[] v) {
        group.vectors[rank] = v;
        await();
        int from = (int) ((long) v.length * rank / size);
        int to = (int) ((long) v.length * (rank + 1) / size);
        double[][] all = new double[size][];
        for (int q = 0; q < size; q++) {
            all[q] = (double[]) group.vectors[q];
            if (all[q].length != v.length) {
                throw new IllegalStateException("all-reduce: rank %d has %d values, rank %d has %d".formatted(q, all[q].length, rank, v.length));
            }
        }
        for (int i = from; i < to; i++) {
            double s = all[0][i];
            for (int q = 1; q < size; q++) {
                s += all[q][i];
            }
            for (int q = 0; q < size; q++) {
                all[q][i] = s;
            }
        }
        await();
    }

    private void await() {
        if (size == 1) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            int phase = group.barrier.arrive();
            if (phase < 0 || group.barrier.awaitAdvanceInterruptibly(phase, timeout.toNanos(), TimeUnit.NANOSECONDS) < 0
                    && group.passed != phase) {
                throw new IllegalStateException("all-reduce: rank %d: another rank left the all-reduce".formatted(rank));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.barrier.forceTermination();
            throw new IllegalStateException("all-reduce: rank %d interrupted while waiting for the others".formatted(rank), e);
        } catch (TimeoutException e) {
            group.barrier.forceTermination();
            throw new IllegalStateException("all-reduce: rank %d waited %s for the others; one is too slow or gone".formatted(rank, timeout), e);
        } finally {
            blocked += System.nanoTime() - t0;
        }
    }

    @Override
    public long blockedNanos() {
        return blocked;
    }

    /** Leaves the group; a rank still waiting in a sum fails at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        group.barrier.forceTermination();
        synchronized (group) {
            if (--group.open == 0) {
                GROUPS.remove(key, group);
            }
        }
    }
}
