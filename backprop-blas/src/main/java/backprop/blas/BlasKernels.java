package backprop.blas;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import backprop.internal.Checks;
import backprop.kernels.JavaKernels;
import backprop.kernels.Kernels;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * GEMM on OpenBLAS (the BLAS-only build that JavaCPP ships, without LAPACK's 24 MB of bindings).
 * Chosen over {@link JavaKernels} whenever its natives load; when they do not, it says so in one
 * line on standard error, ranks below the Java kernels and hands every call to them.
 *
 * <p>OpenBLAS runs its own threads, so {@link #setThreads} sets OpenBLAS's thread count and the
 * Java compute pool is left idle: the two never split the cores between them. That count is one
 * per process, so the last {@code setThreads} on any instance wins.
 *
 * <p>Operands are copied into per-thread native buffers that are reused from call to call.
 * JavaCPP's {@code float[]} overloads would copy too (JNI's Get/ReleaseFloatArrayElements), but
 * into fresh native memory each call and back out of all three arrays, which costs more.
 */
public final class BlasKernels implements Kernels {
    /** Why the natives did not load, or null when they did. */
    private static final Throwable LOAD_FAILURE = load();

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private final JavaKernels fallback = new JavaKernels();
    private int threads;

    /**
     * Kernels that use every available processor. ServiceLoader calls this; loading the class
     * loads the natives, once per JVM.
     */
    public BlasKernels() {
        setThreads(Runtime.getRuntime().availableProcessors());
    }

    private static Throwable load() {
        try {
            Loader.load(openblas_nolapack.class);
            return null;
        } catch (Throwable e) {   // UnsatisfiedLinkError, or a missing class when the jar was trimmed
            System.err.println("backprop-blas: OpenBLAS did not load (" + e + "); using the pure-Java kernels");
            return e;
        }
    }

    /** {@return true when OpenBLAS loaded and does the work; false when the pure-Java kernels do} */

    public static boolean available() {
        return LOAD_FAILURE == null;
    }

    @Override
    public String name() {
        return available() ? "openblas" : "java";
    }

    @Override
    public int priority() {
        return available() ? 10 : -1;
    }

    @Override
    public synchronized void setThreads(int threads) {
        Checks.require(threads >= 1, "threads must be >= 1; got %d", threads);
        this.threads = threads;
        if (available()) {
            org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
        } else {
            fallback.setThreads(threads);
        }
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float beta, float[] c) {
        if (!available()) {
            fallback.sgemm(transA, transB, m, n, k, a, b, beta, c);
            return;
        }
        if (m == 0 || n == 0) {
            return;
        }
        Buffers buffers = BUFFERS.get();
        FloatPointer pa = buffers.floats(0, (long) m * k).put(a, 0, m * k);
        FloatPointer pb = buffers.floats(1, (long) k * n).put(b, 0, k * n);
        FloatPointer pc = buffers.floats(2, (long) m * n);
        if (beta != 0) {
            pc.put(c, 0, m * n);
        }
        openblas_nolapack.cblas_sgemm(CblasRowMajor, op(transA), op(transB), m, n, k,
                1f, pa, Math.max(1, transA ? m : k), pb, Math.max(1, transB ? k : n), beta, pc, n);
        pc.get(c, 0, m * n);
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double beta, double[] c) {
        if (!available()) {
            fallback.dgemm(transA, transB, m, n, k, a, b, beta, c);
            return;
        }
        if (m == 0 || n == 0) {
            return;
        }
        Buffers buffers = BUFFERS.get();
        DoublePointer pa = buffers.doubles(0, (long) m * k).put(a, 0, m * k);
        DoublePointer pb = buffers.doubles(1, (long) k * n).put(b, 0, k * n);
        DoublePointer pc = buffers.doubles(2, (long) m * n);
        if (beta != 0) {
            pc.put(c, 0, m * n);
        }
        openblas_nolapack.cblas_dgemm(CblasRowMajor, op(transA), op(transB), m, n, k,
                1.0, pa, Math.max(1, transA ? m : k), pb, Math.max(1, transB ? k : n), beta, pc, n);
        pc.get(c, 0, m * n);
    }

    private static int op(boolean trans) {
        return trans ? CblasTrans : CblasNoTrans;
    }

    /** A thread's native copies of A, B and C, grown to the largest call so far and then reused. */
    private static final class Buffers {
        private final FloatPointer[] floats = new FloatPointer[3];
        private final DoublePointer[] doubles = new DoublePointer[3];

        FloatPointer floats(int which, long length) {
            FloatPointer p = floats[which];
            if (p == null || p.capacity() < length) {
                if (p != null) {
                    p.close();
                }
                p = new FloatPointer(Math.max(1, length));
                floats[which] = p;
            }
            return p.position(0);
        }

        DoublePointer doubles(int which, long length) {
            DoublePointer p = doubles[which];
            if (p == null || p.capacity() < length) {
                if (p != null) {
                    p.close();
                }
                p = new DoublePointer(Math.max(1, length));
                doubles[which] = p;
            }
            return p.position(0);
        }
    }
}
