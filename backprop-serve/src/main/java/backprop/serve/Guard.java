package backprop.serve;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a calculator request on a thread of its own and stops it when it passes the time or
 * allocation limit of {@link Limits}, so that one program cannot take the server with it.
 *
 * <p>A runaway thread is interrupted: the calculator checks the flag between nodes (and between
 * the finite-difference steps of a check) and ends with a CancellationException, so the thread
 * and its permit are free within one operation. The answer does not wait for that; pages and
 * runs are served on other threads meanwhile.
 */
final class Guard {
    /** How often the limits are checked while a program runs; an answer does not wait for it. */
    private static final long POLL_MILLIS = 5;

    private final Limits limits;
    private final Semaphore permits;
    private final com.sun.management.ThreadMXBean threads;
    private final AtomicLong count = new AtomicLong();

    Guard(Limits limits) {
        this.limits = limits;
        this.permits = new Semaphore(limits.maxConcurrent());
        this.threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    /**
     * The task's result, computed within the limits.
     *
     * @throws HttpError 422 past a limit, 503 when {@link Limits#maxConcurrent()} programs are running
     * @throws RuntimeException what the task threw (an input error, an undefined value)
     */
    <T> T run(Callable<T> task) throws InterruptedException {
        if (!permits.tryAcquire()) {
            throw new HttpError(503, "busy", "the server is computing " + limits.maxConcurrent()
                    + " programs already; try again in a moment");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicLong allocatedAtStart = new AtomicLong(-1);
        Thread worker = new Thread(() -> {
            try {
                allocatedAtStart.set(threads.getThreadAllocatedBytes(Thread.currentThread().getId()));
                result.complete(task.call());
            } catch (Throwable t) {      // OutOfMemoryError too: the request answers it
                result.completeExceptionally(t);
            } finally {
                permits.release();
            }
        }, "backprop-calc-" + count.incrementAndGet());
        worker.setDaemon(true);
        worker.start();
        long deadline = System.nanoTime() + limits.timeLimit().toNanos();
        while (true) {
            try {
                return result.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw answer(e.getCause());
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    stop(worker);
                    throw HttpError.limit("the program ran longer than " + seconds() + ", the server's limit per request; "
                            + "expected a program that computes in less (the command line, backprop grad, has no limit)");
                }
                long start = allocatedAtStart.get();
                if (start >= 0 && threads.getThreadAllocatedBytes(worker.getId()) - start > limits.maxAllocatedBytes()) {
                    stop(worker);
                    throw tooLarge();
                }
            } catch (InterruptedException e) {
                stop(worker);
                throw e;
            }
        }
    }

    private RuntimeException answer(Throwable cause) {
        if (cause instanceof OutOfMemoryError) {
            return tooLarge();
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(cause);
    }

    private HttpError tooLarge() {
        return HttpError.limit("the program's tensors need more than " + (limits.maxAllocatedBytes() >> 20)
                + " MiB, the server's limit per request; expected smaller vectors and matrices "
                + "(the command line, backprop grad, has no limit)");
    }

    private String seconds() {
        double s = limits.timeLimit().toMillis() / 1000.0;
        return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
    }

    /** The calculator checks its thread's interrupt flag between nodes and ends with a CancellationException. */
    private static void stop(Thread worker) {
        worker.interrupt();
    }
}
