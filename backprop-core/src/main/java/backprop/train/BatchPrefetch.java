package backprop.train;

import backprop.data.Batches;
import backprop.data.Dataset;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Copies the next batch's rows into a second set of buffers on a background thread while the
 * current step computes, so that a step finds its rows already gathered.
 *
 * <p>Why: gathering a batch reads its rows from all over the training set, which is far larger
 * than the caches; on logistic regression over Fashion-MNIST (W3) that memory traffic was 30% of
 * a step, while the step's narrow products ran on one core and left the other idle. The copy is
 * the same either way, so results do not change, only where the copy runs.
 *
 * <p>Never a wait on a thread that is not running: a step whose batch the background thread has
 * not started copying yet (it is busy, or the machine gave it no core) takes the copy back and
 * does it itself. One background thread serves the whole JVM (several Spark tasks, say): it only
 * ever copies, a few hundred microseconds a batch.
 */
final class BatchPrefetch {
    /**
     * The largest feature buffer worth a second copy: beyond it a batch's products take far
     * longer than its gathering, and a full-batch run over a large table must not double its memory.
     */
    static final long MAX_FLOATS = 1 << 24;

    private static final LinkedBlockingQueue<Buffers> QUEUE = new LinkedBlockingQueue<>();

    static {
        Thread copier = new Thread(BatchPrefetch::serve, "backprop-batch-prefetch");
        copier.setDaemon(true);
        copier.start();
    }

    private static void serve() {
        while (true) {
            try {
                QUEUE.take().claimAndRun();
            } catch (InterruptedException e) {
                // a daemon that nobody interrupts on purpose: keep serving
            }
        }
    }

    private final Buffers[] buffers;
    private int current;

    /**
     * Buffers for batches of at most {@code batchSize} rows of {@code data}: two, so that one is
     * filled while the other is used, unless a batch's features exceed {@link #MAX_FLOATS}.
     */
    BatchPrefetch(Dataset data, int batchSize, boolean classification) {
        int sets = (long) batchSize * data.numFeatures() <= MAX_FLOATS ? 2 : 1;
        buffers = new Buffers[sets];
        for (int i = 0; i < sets; i++) {
            buffers[i] = new Buffers(data, batchSize, classification);
        }
    }

    /**
     * The rows of {@code batch}, copied in the background if the previous call foresaw it, else
     * here; queues the copy of the epoch's next batch into the other buffers. The buffers returned
     * stay as they are until the next call.
     */
    Buffers gather(Batch batch) {
        Batches order = batch.order();
        int epoch = batch.epoch();
        int index = batch.index();
        Buffers mine = buffers[current];
        if (mine.holds(order, epoch, index)) {
            mine.take();
        } else {
            mine.fillNow(order, epoch, index);
        }
        if (buffers.length == 2 && index + 1 < order.count()) {
            current = 1 - current;
            buffers[current].queue(order, epoch, index + 1);
        }
        return mine;
    }

    /** One batch's buffers, and the batch they hold or are being filled with. */
    static final class Buffers {
        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int DONE = 2;

        /** The batch's features, row-major from index 0. */
        final float[] x;
        /** The batch's class labels (classification). */
        final int[] labels;
        /** The batch's regression targets (regression). */
        final float[] targets;
        private final Dataset data;
        private final boolean classification;
        private final AtomicInteger state = new AtomicInteger(DONE);
        private Batches order;
        private int epoch;
        private int index = -1;
        private int rows;
        private RuntimeException failure;
        private volatile Thread waiter;

        Buffers(Dataset data, int batchSize, boolean classification) {
            this.data = data;
            this.classification = classification;
            this.x = new float[Math.multiplyExact(batchSize, data.numFeatures())];
            this.labels = new int[batchSize];
            this.targets = new float[batchSize];
        }

        /** {@return the rows of the batch these buffers hold} */
        int rows() {
            return rows;
        }

        private boolean holds(Batches order, int epoch, int index) {
            return this.order == order && this.epoch == epoch && this.index == index;
        }

        private void fillNow(Batches order, int epoch, int index) {
            await();
            point(order, epoch, index);
            run();
            take();
        }

        private void queue(Batches order, int epoch, int index) {
            await();
            point(order, epoch, index);
            state.set(QUEUED);
            QUEUE.add(this);
        }

        private void point(Batches order, int epoch, int index) {
            this.order = order;
            this.epoch = epoch;
            this.index = index;
        }

        /** Waits for the copy under way (doing it here if it has not started) and rethrows its failure. */
        private void take() {
            await();
            if (failure != null) {
                RuntimeException e = failure;
                failure = null;
                index = -1;
                throw e;
            }
        }

        private void claimAndRun() {
            if (state.compareAndSet(QUEUED, RUNNING)) {
                run();
            }
        }

        /** Returns once no copy into these buffers is queued or running. */
        private void await() {
            claimAndRun();                                       // not started yet: ours now
            if (state.get() == DONE) {
                return;
            }
            waiter = Thread.currentThread();
            while (state.get() != DONE) {
                LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(50));
            }
            waiter = null;
        }

        private void run() {
            try {
                rows = order.fillFeatures(data, index, x);
                if (classification) {
                    order.fillLabels(data, index, labels);
                } else {
                    order.fillTargets(data, index, targets);
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                state.set(DONE);
                Thread t = waiter;
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }
    }
}
