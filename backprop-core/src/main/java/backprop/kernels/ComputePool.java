package backprop.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The compute threads that split one product between them: the caller runs part 0 and each
 * worker one other part, then the caller waits for all of them.
 *
 * <p>Why not an {@link java.util.concurrent.ExecutorService}: a training step hands out a dozen
 * products a few hundred microseconds apart, and a parked thread takes tens of microseconds to
 * wake on a virtual machine (the hypervisor's interrupt path). So a worker that has finished spins
 * for {@link #SPIN_NANOS} in case the next part comes soon, and only then parks; a waiting caller
 * does the same. The spin is bounded so that on a machine where another process wants the core,
 * idle workers give it back instead of burning it (OpenBLAS's thread server, which spins far
 * longer, made small products ten times slower there). No future, queue node or lambda is
 * allocated per call.
 *
 * <p>One caller at a time: a second thread that calls {@link #run} while the pool is busy (two
 * Spark tasks in one executor, say) runs its parts itself, one after another, with the same
 * results.
 */
final class ComputePool {
    /** How long an idle worker or a waiting caller spins before it parks. */
    static final long SPIN_NANOS = 100_000;

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();

    /** Starts {@code threads - 1} daemon workers; the caller is the last thread. */
    ComputePool(int threads) {
        workers = new Worker[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Worker("backprop-compute-" + (w + 1));
        }
    }

    /** {@return the threads that work on a call: the workers and the caller} */
    int threads() {
        return workers.length + 1;
    }

    /**
     * Calls {@code part.accept(p)} for every p in [0, parts), at most {@link #threads()} of them at
     * once, and returns when all are done. A part that throws makes this throw once all are done.
     */
    void run(int parts, IntConsumer part) {
        int helpers = Math.min(parts, threads()) - 1;
        if (helpers <= 0 || !busy.compareAndSet(false, true)) {
            for (int p = 0; p < parts; p++) {
                part.accept(p);
            }
            return;
        }
        Throwable failure = null;
        try {
            int stride = helpers + 1;
            for (int w = 0; w < helpers; w++) {
                workers[w].post(part, w + 1, parts, stride);
            }
            try {
                for (int p = 0; p < parts; p += stride) {
                    part.accept(p);
                }
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int w = 0; w < helpers; w++) {
                Throwable f = workers[w].await();
                if (failure == null) {
                    failure = f;
                } else if (f != null && f != failure) {
                    failure.addSuppressed(f);
                }
            }
        } finally {
            busy.set(false);
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("kernels: a compute thread failed", failure);
        }
    }

    /** Lets the workers end; a pool is shut down when the thread count changes. */
    void shutdown() {
        for (Worker w : workers) {
            w.stop();
        }
    }

    /**
     * One worker thread and its mailbox. {@code posted} and {@code finished} count calls; the
     * worker owes an answer while they differ. The volatile writes and reads of those counters
     * (and of {@code parked} and {@code waiter}) order the plain fields around them.
     */
    private static final class Worker implements Runnable {
        private final Thread thread;
        private IntConsumer part;
        private int first;
        private int parts;
        private int stride;
        private Throwable failure;
        private volatile long posted;
        private volatile long finished;
        private volatile boolean parked;
        private volatile Thread waiter;
        private volatile boolean stopped;

        Worker(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        void post(IntConsumer part, int first, int parts, int stride) {
            this.part = part;
            this.first = first;
            this.parts = parts;
            this.stride = stride;
            this.failure = null;
            posted = posted + 1;
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        /**
         * Waits for the posted call, and returns what it threw, or null. The caller's interrupt
         * status is kept but does not end the wait: the worker is writing into the caller's arrays.
         */
        Throwable await() {
            long target = posted;
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (finished != target && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            if (finished != target) {
                boolean interrupted = false;
                waiter = Thread.currentThread();
                while (finished != target) {
                    LockSupport.park(this);
                    interrupted |= Thread.interrupted();
                }
                waiter = null;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            Throwable f = failure;
            failure = null;
            part = null;
            return f;
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            long seen = 0;
            while (!stopped) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                while (posted == seen && !stopped && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                if (posted == seen && !stopped) {
                    parked = true;
                    while (posted == seen && !stopped) {
                        LockSupport.park(this);
                        Thread.interrupted();   // nobody interrupts a worker on purpose; a stray one must not spin the park
                    }
                    parked = false;
                }
                if (stopped) {
                    return;
                }
                seen = posted;
                try {
                    for (int p = first; p < parts; p += stride) {
                        part.accept(p);
                    }
                } catch (Throwable e) {   // handed to the caller, which rethrows it
                    failure = e;
                }
                finished = seen;
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
    }
}
