package backprop.kernels;

import backprop.internal.Checks;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pure-Java kernels: loops the JIT vectorizes, split over a small pool of compute threads.
 * Runs everywhere; backprop-blas replaces the GEMMs with OpenBLAS when it is on the classpath.
 */
public final class JavaKernels implements Kernels {
    /** Below this many multiply-adds a GEMM stays on the calling thread: forking costs more. */
    private static final long PARALLEL_WORK = 1L << 18;

    private int threads = Runtime.getRuntime().availableProcessors();
    private ExecutorService pool;

    @Override
    public String name() {
        return "java";
    }

    @Override
    public synchronized void setThreads(int threads) {
        Checks.require(threads >= 1, "threads must be >= 1; got %d", threads);
        if (threads != this.threads && pool != null) {
            pool.shutdown();
            pool = null;
        }
        this.threads = threads;
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float beta, float[] c) {
        float[] ar = transA ? transpose(a, k, m) : a;   // op(A) as row-major m x k
        float[] br = transB ? transpose(b, n, k) : b;   // op(B) as row-major k x n
        forRowBlocks(m, (long) m * n * k, (from, to) -> {
            for (int i = from; i < to; i++) {
                int ci = i * n;
                if (beta == 0) {
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                } else if (beta != 1) {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] *= beta;
                    }
                }
                for (int p = 0; p < k; p++) {
                    float aip = ar[i * k + p];
                    if (aip == 0) {
                        continue;   // ReLU activations are often half zeros
                    }
                    int bp = p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * br[bp + j];
                    }
                }
            }
        });
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double beta, double[] c) {
        double[] ar = transA ? transpose(a, k, m) : a;
        double[] br = transB ? transpose(b, n, k) : b;
        forRowBlocks(m, (long) m * n * k, (from, to) -> {
            for (int i = from; i < to; i++) {
                int ci = i * n;
                if (beta == 0) {
                    java.util.Arrays.fill(c, ci, ci + n, 0.0);
                } else if (beta != 1) {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] *= beta;
                    }
                }
                for (int p = 0; p < k; p++) {
                    double aip = ar[i * k + p];
                    int bp = p * n;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * br[bp + j];
                    }
                }
            }
        });
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[r * cols + c];
            }
        }
        return t;
    }

    private static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[x.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[r * cols + c];
            }
        }
        return t;
    }

    @FunctionalInterface
    private interface RowBlock {
        void run(int from, int to);
    }

    /** Runs {@code body} over [0, rows) in contiguous blocks, one per thread when the work is large enough. */
    private void forRowBlocks(int rows, long work, RowBlock body) {
        int parts = (int) Math.min(threads, Math.min(rows, Math.max(1, work / PARALLEL_WORK)));
        if (parts <= 1) {
            body.run(0, rows);
            return;
        }
        ExecutorService executor = pool();
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int t = 1; t < parts; t++) {
            int from = (int) ((long) rows * t / parts);
            int to = (int) ((long) rows * (t + 1) / parts);
            futures[t - 1] = executor.submit(() -> body.run(from, to));
        }
        body.run(0, (int) ((long) rows / parts));
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("kernels: interrupted while waiting for compute threads", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("kernels: a compute thread failed", e.getCause());
        }
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                Thread t = new Thread(r, "backprop-compute");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }
}
