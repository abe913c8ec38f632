package backprop.kernels;

import backprop.internal.Checks;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Pure-Java kernels: loops the JIT vectorizes, split over a small pool of compute threads.
 * Runs everywhere; backprop-blas replaces the GEMMs with OpenBLAS when it is on the classpath.
 *
 * <p>The GEMM is the usual blocked algorithm (Goto, BLIS), once for both precisions: C is cut
 * into one rectangle per thread; each thread copies a KC x NC block of op(B) and then MR x KC
 * slivers of op(A) into its own buffers ("packing", which is where the four transpose cases become
 * one), and a micro-kernel adds MR rows of C at a time from them. The micro-kernel's inner loop
 * runs along a row of C, which C2 turns into SIMD fused multiply-adds.
 *
 * <p>When the JVM has the Vector API (started with {@code --add-modules jdk.incubator.vector}, as
 * bin/backprop does) and the hardware has FMA, float32 products run {@link VectorMicroKernel}'s
 * register-blocked kernel and its own packing instead, with the same results bit for bit; and
 * where packing does not pay, kernels that read an operand in place (see {@code FloatGemm.multiply}),
 * bit for bit the same too except the dot products of a narrow layer. {@code -Dbackprop.vector=false}
 * keeps the plain loop.
 */
public final class JavaKernels implements Kernels {
    /** Whether a product big enough to split is split: as {@link SplitChoice} finds, always, or never. */
    private enum SplitMode { MEASURE, ALWAYS, NEVER }

    /**
     * {@code -Dbackprop.split}: {@code measure} (the default) lets {@link SplitChoice} decide per
     * shape; {@code always} and {@code never} fix it, for benchmarks that measure one or the other.
     * (Before {@link #SHARED}, which reads it.)
     */
    private static final SplitMode SPLIT = switch (System.getProperty("backprop.split", "measure")) {
        case "measure" -> SplitMode.MEASURE;
        case "always" -> SplitMode.ALWAYS;
        case "never" -> SplitMode.NEVER;
        default -> throw new IllegalArgumentException("-Dbackprop.split: expected measure, always or never; got '"
                + System.getProperty("backprop.split") + "'");
    };

    /** The instance for small products ({@link Kernels#forShape}); single-threaded work needs no other. */
    static final JavaKernels SHARED = new JavaKernels();

    /**
     * A GEMM is split into one part per this many multiply-adds (at most one per thread); below
     * twice this it stays on the calling thread without a trial. Measured by the trials themselves
     * in W1-W3 (float32, 512-bit vectors, two cores): products of 1M multiply-adds (25-35 us whole)
     * never ran faster split, 29-31 us at best against 26-33 whole and 140-320 us when the worker
     * had to be woken; products of 4.2M ran at 55-70 us split against 90-110 whole.
     */
    private static final long PARALLEL_WORK = 1L << 21;
    /** Rows of C per micro-kernel call, and the unrolling along k (both fixed by the kernel code). */
    private static final int MR = 4;
    private static final int KU = 2;
    /** The packed op(B) block is KC x NC: it stays in L2 while every row of A streams past it. */
    private static final int KC = 256;
    private static final int NC = 512;
    /** A thread's share of C's columns (or of an element-wise range) is a multiple of this: whole vectors. */
    private static final int COLUMN_GRAIN = 16;
    /**
     * The fewest rows of C a thread's share gets when C is split by rows; with fewer, C is split by
     * columns. Row strips meet at one cache line of C, column strips at one in every row: a Java
     * array's elements need not start on a cache line (they follow a 16-byte header), so the line
     * at a strip's edge is written by both threads and passes back and forth between their cores.
     * On two threads W1's 128 x 256 x 784 ran at 100-141 GFLOP/s split by columns (depending on
     * where the array lay) and at 174 by rows; W2's 256 x 784 x 32 weight gradient at 55 and 133
     * (backprop-bench/RESULTS.md). Below 32 rows a thread, by rows each thread would read all of W
     * for a few rows of x W^T (the few-rows kernel reads it in place): W2's 32 x 256 x 784 ran as
     * fast either way in JMH, and its five-epoch runs were no faster split into 16-row strips.
     */
    private static final int MIN_ROWS_PER_PART = 32;
    /** Whether Math.fma is one instruction here; without hardware FMA it is a slow exact emulation. */
    static final boolean FMA = hardwareFma();
    /**
     * Whether sgemm runs {@link VectorMicroKernel}. Checked before any use of that class, so that a
     * JVM without the incubator module never loads it.
     */
    static final boolean VECTOR = FMA && !"false".equals(System.getProperty("backprop.vector")) && readVectorApi();

    /**
     * Whether the JVM has the Vector API; if so, makes this module read it. On the classpath that is
     * a no-op; a named backprop.core (module path) would not read it otherwise, since its
     * module-info cannot require an incubator module without every javac and javadoc run that
     * reads the descriptor warning about it (which would fail the Javadoc build).
     */
    private static boolean readVectorApi() {
        Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
        vector.ifPresent(JavaKernels.class.getModule()::addReads);
        return vector.isPresent();
    }

    /**
     * {@return whether these kernels compute a float32 product of n columns and depth k as fast as
     * the natives do though it is narrow} {@link Kernels#forShape} sends other narrow products to
     * OpenBLAS.
     */
    static boolean leadOnNarrow(boolean dbl, boolean transA, boolean transB, int n, int k) {
        return !dbl && VECTOR && DotProductKernel.takes(transA, transB, n, k);
    }

    private final SplitMode split;
    private final long parallelWork;
    /** Each calling thread's record of which shapes pay for a split (Spark runs several callers per JVM). */
    private final ThreadLocal<SplitChoice> splits;
    private volatile int threads = Runtime.getRuntime().availableProcessors();
    private ComputePool pool;

    /** Kernels that split a product over the pool when it is big enough and a trial finds that it pays. */
    public JavaKernels() {
        this(SPLIT, PARALLEL_WORK, SplitChoice::new);
    }

    private JavaKernels(SplitMode split, long parallelWork, Supplier<SplitChoice> choice) {
        this.split = split;
        this.parallelWork = parallelWork;
        this.splits = ThreadLocal.withInitial(choice);
    }

    /** {@return kernels whose split trials each calling thread records in the choice it gets from {@code choice}: tests} */
    static JavaKernels measuring(Supplier<SplitChoice> choice) {
        return new JavaKernels(SplitMode.MEASURE, PARALLEL_WORK, choice);
    }

    /** {@return kernels that split every product with room for two strips, and every long range: tests of the split paths} */
    static JavaKernels splittingAll() {
        return new JavaKernels(SplitMode.ALWAYS, 1, SplitChoice::new);
    }

    @Override
    public String name() {
        return VECTOR ? "java-vector" : "java";
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
        gemm(FloatGemm.INSTANCE, transA, transB, m, n, k, a, b, beta, c);
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double beta, double[] c) {
        gemm(DoubleGemm.INSTANCE, transA, transB, m, n, k, a, b, beta, c);
    }

    /**
     * Element-wise work this long or longer is split over the pool: about 20 us of an Adam update,
     * where handing half to a spinning worker costs one or two.
     */
    private static final int PARALLEL_ELEMENTS = 1 << 16;

    /**
     * Splits the range when it is long enough and {@link SplitChoice} finds that splitting this
     * length pays: on a busy machine a worker may wait milliseconds for a core, and a fixed split
     * would make every step wait with it.
     */
    @Override
    public void forRanges(int length, Range body) {
        int parts = Math.min(threads, length / (PARALLEL_ELEMENTS / 2));
        SplitChoice.Plan plan = parts <= 1 ? null : splits.get().plan(false, true, true, length, 0, 0);   // a "shape" no product has
        boolean splitting = splitNext(plan);
        long start = timing(plan);
        if (splitting) {
            int units = (length + COLUMN_GRAIN - 1) / COLUMN_GRAIN;
            pool().run(parts, p -> body.run(Math.min(length, units * p / parts * COLUMN_GRAIN),
                    Math.min(length, units * (p + 1) / parts * COLUMN_GRAIN)));
        } else {
            body.run(0, length);
        }
        timed(plan, start);
    }

    /**
     * Splits C into row strips (column strips when it has too few rows, see {@link
     * #MIN_ROWS_PER_PART}), one per thread, when the product is big enough to be worth trying and
     * {@link SplitChoice} finds that it pays.
     */
    private <T> void gemm(Gemm<T> g, boolean transA, boolean transB, int m, int n, int k, T a, T b, double beta, T c) {
        int parts = (int) Math.min(threads, Math.max(1, (long) m * n * k / parallelWork));
        boolean byColumns = m < MIN_ROWS_PER_PART * parts;
        int length = byColumns ? n : m;
        int grain = byColumns ? COLUMN_GRAIN : MR;
        int units = (length + grain - 1) / grain;
        int strips = Math.min(parts, units);
        SplitChoice.Plan plan = strips <= 1 ? null : splits.get().plan(g == DoubleGemm.INSTANCE, transA, transB, m, n, k);
        boolean splitting = splitNext(plan);
        long start = timing(plan);
        if (splitting) {
            pool().run(strips, p -> {
                int from = Math.min(length, units * p / strips * grain);
                int to = Math.min(length, units * (p + 1) / strips * grain);
                if (byColumns) {
                    g.multiply(transA, transB, m, n, k, a, b, beta, c, 0, m, from, to);
                } else {
                    g.multiply(transA, transB, m, n, k, a, b, beta, c, from, to, 0, n);
                }
            });
        } else {
            g.multiply(transA, transB, m, n, k, a, b, beta, c, 0, m, 0, n);
        }
        timed(plan, start);
    }

    /**
     * {@return whether the next call of the plan's shape runs split} Null (a call too small to try)
     * runs whole. A whole call is the same direct call as on one thread, not a one-part run on the pool.
     */
    private boolean splitNext(SplitChoice.Plan plan) {
        if (plan == null) {
            return false;
        }
        return switch (split) {
            case ALWAYS -> true;
            case NEVER -> false;
            case MEASURE -> plan.splitNext();
        };
    }

    /** {@return when a call that a trial times starts, or 0} */
    private static long timing(SplitChoice.Plan plan) {
        return plan != null && plan.timing() ? System.nanoTime() : 0;
    }

    /** Gives a trial the time of the call that {@link #timing} started (only a measuring plan is ever timing). */
    private static void timed(SplitChoice.Plan plan, long start) {
        if (plan != null && plan.timing()) {
            plan.timed(System.nanoTime() - start);
        }
    }

    /**
     * One precision's packing and micro-kernel; {@link #multiply} is the blocked algorithm over them.
     * The packed rows of op(B) and the rows of the C tile are separate arrays on purpose: C2 (as of
     * JDK 17) vectorizes a loop only when the rows it touches are distinct arrays or sit at constant
     * distances in one, and a row length chosen at run time is neither.
     *
     * @param <T> float[] or double[]
     */
    private abstract static class Gemm<T> {
        private final ThreadLocal<Workspace<T>> workspace = ThreadLocal.withInitial(
                () -> new Workspace<>(allocate(KC * MR), allocate(KC, NC), allocate(MR, NC)));

        abstract T allocate(int length);

        abstract T[] allocate(int rows, int length);

        /** {@code x[from, from + length) *= beta}, where beta 0 clears (NaN included). */
        abstract void scale(T x, int from, int length, double beta);

        /** Copies op(A)[i .. i+rows, p .. p+kb] to {@code ap}, k-major (ap[q*MR + r]), zeros up to MR x kbu. */
        abstract void packA(boolean trans, T a, int m, int k, int i, int rows, int p, int kb, int kbu, T ap);

        /** Copies op(B)[p .. p+kb, j .. j+nb] to {@code bp[0 .. kb][0 .. nb]}, zero rows up to kbu. */
        abstract void packB(boolean trans, T b, int n, int k, int p, int kb, int kbu, int j, int nb, T[] bp);

        /** {@code t[r][j] += sum_q ap[q*MR + r] * bp[q][j]} for r < MR, j < nb, q < kbu. */
        abstract void kernel(int kbu, T ap, T[] bp, int nb, T[] t);

        /** {@code C[i0..i1, j0..j1] = (op(A) op(B))[i0..i1, j0..j1] + beta C[i0..i1, j0..j1]}. */
        void multiply(boolean transA, boolean transB, int m, int n, int k, T a, T b, double beta, T c,
                int i0, int i1, int j0, int j1) {
            for (int i = i0; i < i1; i++) {
                scale(c, i * n + j0, j1 - j0, beta);
            }
            accumulate(transA, transB, m, n, k, a, b, c, i0, i1, j0, j1);
        }

        /** {@code C[i0..i1, j0..j1] += (op(A) op(B))[i0..i1, j0..j1]}: the blocked algorithm. */
        void accumulate(boolean transA, boolean transB, int m, int n, int k, T a, T b, T c,
                int i0, int i1, int j0, int j1) {
            Workspace<T> w = workspace.get();
            for (int jc = j0; jc < j1; jc += NC) {
                int nb = Math.min(NC, j1 - jc);
                for (int pc = 0; pc < k; pc += KC) {
                    int kb = Math.min(KC, k - pc);
                    int kbu = (kb + KU - 1) / KU * KU;
                    packB(transB, b, n, k, pc, kb, kbu, jc, nb, w.b);
                    for (int i = i0; i < i1; i += MR) {
                        int rows = Math.min(MR, i1 - i);
                        packA(transA, a, m, k, i, rows, pc, kb, kbu, w.a);
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(c, (i + r) * n + jc, w.c[r], 0, nb);
                        }
                        kernel(kbu, w.a, w.b, nb, w.c);
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(w.c[r], 0, c, (i + r) * n + jc, nb);
                        }
                    }
                }
            }
        }
    }

    /** A thread's packed op(A) sliver (KC x MR), packed op(B) block (KC x NC) and C tile (MR x NC). */
    private record Workspace<T>(T a, T[] b, T[] c) {}

    private static final class FloatGemm extends Gemm<float[]> {
        static final FloatGemm INSTANCE = new FloatGemm();

        @Override
        float[] allocate(int length) {
            return new float[length];
        }

        @Override
        float[][] allocate(int rows, int length) {
            return new float[rows][length];
        }

        @Override
        void scale(float[] x, int from, int length, double beta) {
            if (beta == 0) {
                Arrays.fill(x, from, from + length, 0f);
            } else if (beta != 1) {
                float s = (float) beta;
                for (int j = from; j < from + length; j++) {
                    x[j] *= s;
                }
            }
        }

        /**
         * With the Vector API, the shapes where packing an operand does not pay go to kernels that
         * read it in place: few rows of A B^T (a forward pass at a small batch) to
         * {@link FewRowsKernel}, few columns of it (a narrow layer's forward pass) to
         * {@link DotProductKernel}, few rows of A^T B (a narrow layer's weight gradient) to
         * {@link OuterProductKernel}; the rest to {@link VectorMicroKernel}, which packs.
         */
        @Override
        void multiply(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, double beta, float[] c,
                int i0, int i1, int j0, int j1) {
            if (VECTOR && FewRowsKernel.takes(transA, transB, n, i0, i1)) {
                FewRowsKernel.multiply(m, n, k, a, b, (float) beta, c, i0, i1, j0, j1);
            } else if (VECTOR && DotProductKernel.takes(transA, transB, n, k)) {
                DotProductKernel.multiply(n, k, a, b, (float) beta, c, i0, i1, j0, j1);
            } else if (VECTOR && OuterProductKernel.takes(transA, transB, i0, i1)) {
                OuterProductKernel.multiply(m, n, k, a, b, (float) beta, c, i0, i1, j0, j1);
            } else {
                super.multiply(transA, transB, m, n, k, a, b, beta, c, i0, i1, j0, j1);
            }
        }

        @Override
        void accumulate(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c,
                int i0, int i1, int j0, int j1) {
            if (VECTOR) {
                VectorMicroKernel.multiply(transA, transB, m, n, k, a, b, c, i0, i1, j0, j1);
            } else {
                super.accumulate(transA, transB, m, n, k, a, b, c, i0, i1, j0, j1);
            }
        }

        @Override
        void packA(boolean trans, float[] a, int m, int k, int i, int rows, int p, int kb, int kbu, float[] ap) {
            Arrays.fill(ap, 0, kbu * MR, 0f);
            for (int q = 0; q < kb; q++) {
                for (int r = 0; r < rows; r++) {
                    ap[q * MR + r] = trans ? a[(p + q) * m + i + r] : a[(i + r) * k + p + q];
                }
            }
        }

        @Override
        void packB(boolean trans, float[] b, int n, int k, int p, int kb, int kbu, int j, int nb, float[][] bp) {
            int q = 0;
            if (trans) {
                // four rows of op(B) at a time: four neighbours from each row of B, not one
                for (; q + 4 <= kb; q += 4) {
                    float[] r0 = bp[q], r1 = bp[q + 1], r2 = bp[q + 2], r3 = bp[q + 3];
                    for (int c = 0; c < nb; c++) {
                        int s = (j + c) * k + p + q;
                        r0[c] = b[s];
                        r1[c] = b[s + 1];
                        r2[c] = b[s + 2];
                        r3[c] = b[s + 3];
                    }
                }
                for (; q < kb; q++) {
                    for (int c = 0; c < nb; c++) {
                        bp[q][c] = b[(j + c) * k + p + q];
                    }
                }
            } else {
                for (; q < kb; q++) {
                    System.arraycopy(b, (p + q) * n + j, bp[q], 0, nb);
                }
            }
            for (; q < kbu; q++) {
                Arrays.fill(bp[q], 0, nb, 0f);
            }
        }

        @Override
        void kernel(int kbu, float[] ap, float[][] bp, int nb, float[][] t) {
            float[] t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
            for (int q = 0; q < kbu; q += KU) {
                int s = q * MR;
                float a00 = ap[s], a10 = ap[s + 1], a20 = ap[s + 2], a30 = ap[s + 3];
                float a01 = ap[s + 4], a11 = ap[s + 5], a21 = ap[s + 6], a31 = ap[s + 7];
                float[] b0 = bp[q], b1 = bp[q + 1];
                for (int j = 0; j < nb; j++) {
                    float x0 = b0[j], x1 = b1[j];
                    t0[j] = madd(a01, x1, madd(a00, x0, t0[j]));
                    t1[j] = madd(a11, x1, madd(a10, x0, t1[j]));
                    t2[j] = madd(a21, x1, madd(a20, x0, t2[j]));
                    t3[j] = madd(a31, x1, madd(a30, x0, t3[j]));
                }
            }
        }

        private static float madd(float a, float b, float c) {
            return FMA ? Math.fma(a, b, c) : c + a * b;
        }
    }

    private static final class DoubleGemm extends Gemm<double[]> {
        static final DoubleGemm INSTANCE = new DoubleGemm();

        @Override
        double[] allocate(int length) {
            return new double[length];
        }

        @Override
        double[][] allocate(int rows, int length) {
            return new double[rows][length];
        }

        @Override
        void scale(double[] x, int from, int length, double beta) {
            if (beta == 0) {
                Arrays.fill(x, from, from + length, 0.0);
            } else if (beta != 1) {
                double s = (double) beta;
                for (int j = from; j < from + length; j++) {
                    x[j] *= s;
                }
            }
        }

        @Override
        void packA(boolean trans, double[] a, int m, int k, int i, int rows, int p, int kb, int kbu, double[] ap) {
            Arrays.fill(ap, 0, kbu * MR, 0.0);
            for (int q = 0; q < kb; q++) {
                for (int r = 0; r < rows; r++) {
                    ap[q * MR + r] = trans ? a[(p + q) * m + i + r] : a[(i + r) * k + p + q];
                }
            }
        }

        @Override
        void packB(boolean trans, double[] b, int n, int k, int p, int kb, int kbu, int j, int nb, double[][] bp) {
            int q = 0;
            if (trans) {
                // four rows of op(B) at a time: four neighbours from each row of B, not one
                for (; q + 4 <= kb; q += 4) {
                    double[] r0 = bp[q], r1 = bp[q + 1], r2 = bp[q + 2], r3 = bp[q + 3];
                    for (int c = 0; c < nb; c++) {
                        int s = (j + c) * k + p + q;
                        r0[c] = b[s];
                        r1[c] = b[s + 1];
                        r2[c] = b[s + 2];
                        r3[c] = b[s + 3];
                    }
                }
                for (; q < kb; q++) {
                    for (int c = 0; c < nb; c++) {
                        bp[q][c] = b[(j + c) * k + p + q];
                    }
                }
            } else {
                for (; q < kb; q++) {
                    System.arraycopy(b, (p + q) * n + j, bp[q], 0, nb);
                }
            }
            for (; q < kbu; q++) {
                Arrays.fill(bp[q], 0, nb, 0.0);
            }
        }

        @Override
        void kernel(int kbu, double[] ap, double[][] bp, int nb, double[][] t) {
            double[] t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3];
            for (int q = 0; q < kbu; q += KU) {
                int s = q * MR;
                double a00 = ap[s], a10 = ap[s + 1], a20 = ap[s + 2], a30 = ap[s + 3];
                double a01 = ap[s + 4], a11 = ap[s + 5], a21 = ap[s + 6], a31 = ap[s + 7];
                double[] b0 = bp[q], b1 = bp[q + 1];
                for (int j = 0; j < nb; j++) {
                    double x0 = b0[j], x1 = b1[j];
                    t0[j] = madd(a01, x1, madd(a00, x0, t0[j]));
                    t1[j] = madd(a11, x1, madd(a10, x0, t1[j]));
                    t2[j] = madd(a21, x1, madd(a20, x0, t2[j]));
                    t3[j] = madd(a31, x1, madd(a30, x0, t3[j]));
                }
            }
        }

        private static double madd(double a, double b, double c) {
            return FMA ? Math.fma(a, b, c) : c + a * b;
        }
    }

    /**
     * Asks the JIT's own flag; reading it costs about 0.1 s of management start-up, so Linux and
     * ARM machines, where the answer is known more cheaply, skip it.
     */
    private static boolean hardwareFma() {
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("aarch64")) {
            return true;
        }
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst().map(l -> l.contains(" fma")).orElse(false);
        } catch (IOException | UncheckedIOException | SecurityException e) {
            try {
                var flag = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("UseFMA");
                return Boolean.parseBoolean(flag.getValue());
            } catch (RuntimeException | LinkageError notHotSpot) {
                return true;
            }
        }
    }

    private synchronized ComputePool pool() {
        if (pool == null) {
            pool = new ComputePool(threads);
        }
        return pool;
    }
}
