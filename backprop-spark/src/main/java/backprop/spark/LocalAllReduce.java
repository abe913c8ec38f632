package backprop.spark;

import java.lang.reflect.Array;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The all-reduce of ranks that are threads of one JVM: every rank copies its vector into a slot
 * of the group, one barrier waits for them all, and every rank adds up all the slots in rank
 * order into its own vector, so all ranks end with the same bits. One wait per sum, not two (a
 * barrier before and after summing in place): on a busy machine each wait is a thread waking up,
 * which costs more than reading the other ranks' vectors (see {@link Patience}). The slots alternate between two sets
 * from sum to sum, so that a rank already copying in the next sum's vector never overwrites one
 * that a slower rank is still reading: it cannot be two sums ahead without passing the barrier
 * that the slower one has not reached. Over memory it costs a fraction of the loopback ring (no
 * copies into socket buffers, no I/O threads competing for the cores the ranks compute on).
 *
 * <p>A rank that leaves (its task failed or was killed) ends the group: the others' sums, now or
 * later, fail at once instead of waiting out the timeout.
 */
final class LocalAllReduce implements AllReduce {
    /** The groups meeting in this JVM, by the key their ranks agreed on. */
    private static final Map<String, Group> GROUPS = new ConcurrentHashMap<>();

    private static final class Group {
        final int size;
        /** The ranks that reached the current barrier. */
        final AtomicInteger arrived = new AtomicInteger();
        /** How many barriers every rank has passed. */
        volatile long passed;
        /**
         * Set when a rank leaves (or gives up): a wait for a barrier that not every rank reached
         * fails. One that every rank reached still passes: the last rank may leave right after
         * its last sum while another is on its way out of it.
         */
        volatile boolean ended;
        /** The ranks asleep in the current barrier, to be woken by the last one to arrive. */
        final AtomicReferenceArray<Thread> sleeping;
        /** Per parity of the sum's number, each rank's copy of its vector. */
        final Object[][] slots;
        int open;

        Group(int size) {
            this.size = size;
            this.sleeping = new AtomicReferenceArray<>(size);
            this.slots = new Object[2][size];
            this.open = size;
        }

        void wakeAll() {
            for (int q = 0; q < size; q++) {
                LockSupport.unpark(sleeping.get(q));
            }
        }

        void end() {
            ended = true;
            wakeAll();
        }
    }

    private final String key;
    private final Group group;
    private final int rank;
    private final int size;
    private final Duration timeout;
    private long blocked;
    private boolean closed;
    /** The sums this rank took part in; every rank makes the same calls, so their parities agree. */
    private long calls;
    /** This rank's own slots, per parity, kept from sum to sum. */
    private final Object[] mine = new Object[2];

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
        if (size == 1) {
            return;
        }
        Object[] slots = publish(v, v.length);
        float[][] all = new float[size][];
        for (int q = 0; q < size; q++) {
            all[q] = (float[]) slots[q];
        }
        for (int i = 0; i < v.length; i++) {
            float s = all[0][i];
            for (int q = 1; q < size; q++) {
                s += all[q][i];
            }
            v[i] = s;
        }
    }

    @Override
    public void sum(double[] v) {
        if (size == 1) {
            return;
        }
        Object[] slots = publish(v, v.length);
        double[][] all = new double[size][];
        for (int q = 0; q < size; q++) {
            all[q] = (double[]) slots[q];
        }
        for (int i = 0; i < v.length; i++) {
            double s = all[0][i];
            for (int q = 1; q < size; q++) {
                s += all[q][i];
            }
            v[i] = s;
        }
    }

    /**
     * Copies this rank's vector (a float[] or double[] of {@code length}) into its slot of this
     * sum's parity, waits for every rank to do the same, and returns the slots, each checked to
     * hold as many values. The two precisions differ only in the additions that follow.
     */
    private Object[] publish(Object v, int length) {
        int parity = (int) (calls++ & 1);
        Object slot = mine[parity];
        if (slot == null || slot.getClass() != v.getClass() || Array.getLength(slot) != length) {
            slot = Array.newInstance(v.getClass().getComponentType(), length);
            mine[parity] = slot;
        }
        System.arraycopy(v, 0, slot, 0, length);
        Object[] slots = group.slots[parity];
        slots[rank] = slot;
        await();
        for (int q = 0; q < size; q++) {
            int theirs = Array.getLength(slots[q]);
            if (theirs != length) {
                throw new IllegalStateException("all-reduce: rank %d has %d values, rank %d has %d".formatted(q, theirs, rank, length));
            }
        }
        return slots;
    }

    /**
     * Waits until every rank has reached this barrier, as {@link Patience} says: spinning, then
     * yielding, then asleep until the last rank to arrive wakes it.
     */
    private void await() {
        if (size == 1) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            long barrier = group.passed;
            if (group.arrived.incrementAndGet() == size) {
                group.arrived.set(0);
                group.passed = barrier + 1;
                group.wakeAll();
                return;
            }
            long deadline = t0 + timeout.toNanos();
            while (group.passed == barrier) {
                if (group.ended && group.passed == barrier) {
                    throw new IllegalStateException("all-reduce: rank %d: another rank left the all-reduce".formatted(rank));
                }
                if (Patience.stayAwake(t0)) {
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    group.end();
                    throw new IllegalStateException("all-reduce: rank %d waited %s for the others; one is too slow or gone".formatted(rank, timeout));
                }
                // the last rank sets passed, then wakes the sleepers: one that checks after saying it sleeps is never missed
                group.sleeping.set(rank, Thread.currentThread());
                if (group.passed == barrier && !group.ended) {
                    LockSupport.parkNanos(group, left);
                }
                group.sleeping.set(rank, null);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    group.end();
                    throw new IllegalStateException("all-reduce: rank %d interrupted while waiting for the others".formatted(rank));
                }
            }
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
        group.end();
        synchronized (group) {
            if (--group.open == 0) {
                GROUPS.remove(key, group);
            }
        }
    }
}
