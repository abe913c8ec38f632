package backprop.kernels;

import java.util.ServiceLoader;

/**
 * The numeric loops the tensor operations stand on. Core ships {@link JavaKernels}; OpenBLAS (in
 * backprop-blas) is picked up through {@link ServiceLoader} when it is on the classpath, and used
 * unless the JVM has the Vector API with 512-bit vectors (without them the Java micro-kernel
 * trails OpenBLAS on one core).
 * The system property {@code backprop.kernels} ({@code java} or {@code openblas}) overrides that
 * choice. Nothing outside this package knows which implementation it got.
 *
 * <p>Matrices are row-major arrays; {@code op(X)} is X or its transpose.
 */
public interface Kernels {

    /** The implementation in use, chosen once. */
    static Kernels get() {
        return Holder.INSTANCE;
    }

    /** Products smaller than this many multiply-adds stay in Java: a native call would cost more than it saves. */
    long SMALL_WORK = 1 << 15;

    /** Below this many columns or this depth, a product goes to the natives when the Java kernels lead (see {@link #forShape}). */
    int NARROW = 16;

    /**
     * The implementation for one product of op(A) m x k and op(B) k x n: the chosen one for real
     * work; the pure-Java one for tiny products, which then never load native code (the
     * calculator's programs start in a fraction of a second); and OpenBLAS, on one thread, for
     * narrow or shallow products (a layer of ten classes) even where the Java kernels lead
     * otherwise: ours pack every element of the operands for a few multiply-adds each there, and
     * OpenBLAS is twice as fast (docs/speed.md). Except a narrow float32 A B^T deep enough for the
     * Java dot-product kernel, which reads both in place and beats OpenBLAS's copies of them. The
     * choice depends on the shape alone, so a run gets the same bits every time.
     *
     * @param dbl whether the product is in float64
     * @param transA whether op(A) is A transposed
     * @param transB whether op(B) is B transposed
     */
    static Kernels forShape(boolean dbl, boolean transA, boolean transB, int m, int n, int k) {
        long work = (long) m * n * k;
        if (work < SMALL_WORK) {
            return JavaKernels.SHARED;
        }
        if ((n < NARROW || k < NARROW) && Holder.INSTANCE instanceof JavaKernels && Narrow.NATIVE != null
                && !JavaKernels.leadOnNarrow(dbl, transA, transB, n, k)) {
            return Narrow.NATIVE;
        }
        return Holder.INSTANCE;
    }

    /** A short name for reports: {@code "java"}, {@code "openblas"}. */
    String name();

    /** Higher wins when several implementations are on the classpath. */
    default int priority() {
        return 0;
    }

    /** Sets how many threads the kernels may use (at least 1). */
    void setThreads(int threads);

    int threads();

    /**
     * {@code C = op(A) op(B) + beta C}, where op(A) is m x k, op(B) is k x n and C is m x n; A is
     * stored m x k (k x m when transposed), B k x n (n x k when transposed).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float beta, float[] c);

    /** As {@link #sgemm}, in float64. */
    void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double beta, double[] c);

    /**
     * Runs {@code body} over [0, length) in contiguous ranges, on the compute threads when the
     * implementation has them and the length pays for it: for element-wise work, where every
     * index is computed alone (an optimizer's update), so any split gives the same results.
     */
    default void forRanges(int length, Range body) {
        body.run(0, length);
    }

    /** A body of {@link #forRanges}: the work for indices [from, to). */
    @FunctionalInterface
    interface Range {
        /**
         * Does the work of a range.
         *
         * @param from the first index
         * @param to one past the last index
         */
        void run(int from, int to);
    }

    /** The natives for narrow products, loaded on the first one: one thread, as such products are too small to split. */
    final class Narrow {
        static final Kernels NATIVE = load();

        private Narrow() {}

        private static Kernels load() {
            Kernels natives = System.getProperty("backprop.kernels", "").equals("java") ? null : natives();
            if (natives != null) {
                natives.setThreads(1);
            }
            return natives;
        }
    }

    /** {@return the highest-ranked implementation on the classpath whose natives loaded, or null} */
    private static Kernels natives() {
        Kernels best = null;
        for (Kernels k : ServiceLoader.load(Kernels.class)) {
            if (k.priority() > 0 && (best == null || k.priority() > best.priority())) {
                best = k;
            }
        }
        return best;
    }

    /** Lazily chooses the implementation: the JDK guarantees this runs once, on first use. */
    final class Holder {
        static final Kernels INSTANCE = choose();

        private Holder() {}

        private static Kernels choose() {
            String forced = System.getProperty("backprop.kernels", "");
            Kernels java = new JavaKernels();
            // Where the Vector API runs 512-bit vectors, our micro-kernel keeps pace with OpenBLAS on
            // one core (backprop-bench/RESULTS.md), and only ours splits over threads we own, with the
            // same bits for any split; OpenBLAS's own thread server spins against everything else on
            // the machine. With narrower vectors OpenBLAS is ahead on one core, and keeps the work.
            if (forced.equals("java") || JavaKernels.VECTOR && VectorMicroKernel.wide() && !forced.equals("openblas")) {
                return java;
            }
            Kernels natives = natives();
            return natives != null ? natives : java;
        }
    }
}
