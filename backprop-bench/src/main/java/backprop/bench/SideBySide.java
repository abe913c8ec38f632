package backprop.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Two or more builds measured side by side in one JVM, for a host shared with other work, where
 * separate JMH runs minutes apart differ by more than the change: each build's benchmarks.jar is
 * loaded by a class loader of its own, and in every round each measurement runs once per build,
 * the order flipped from round to round. Times are the calling thread's CPU time (one thread,
 * so no time waiting for a core counts), or wall time with {@code -Dthreads=2}. Prints medians
 * and the median per-round ratio of each build to the first, with its quartiles.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp backprop-bench/target/benchmarks.jar backprop.bench.SideBySide \
 *     gemm before=/tmp/a/benchmarks.jar,after=/tmp/b/benchmarks.jar NT:32x256x784,TN:256x784x32 15
 * java ... backprop.bench.SideBySide step before=...,after=... 32 15
 * </pre>
 *
 * {@code gemm} times {@code Kernels.forShape(m, n, k).sgemm} per {@code PATTERN:MxNxK}; {@code step}
 * times {@link TrainingStepBenchmark}'s step and its GEMMs alone at the given batch. OpenBLAS is
 * not loaded: the narrow products that {@code backprop train} gives it run on the Java kernels. The JIT
 * compiles each build's copy separately, and how well differs from JVM to JVM by a few percent:
 * run several JVMs.
 */
public final class SideBySide {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final int THREADS = Integer.getInteger("threads", 1);

    private SideBySide() {}

    /** One thing to time in every build. */
    private record Measure(String name, Runnable[] perBuild, int calls) {}

    public static void main(String[] args) throws ReflectiveOperationException, java.io.IOException {
        // Kernels finds OpenBLAS through the context class loader; the platform loader finds none, so
        // every build runs every product on its Java kernels (a JNI library loads in one class loader only)
        Thread.currentThread().setContextClassLoader(ClassLoader.getPlatformClassLoader());
        String[] builds = args[1].split(",");
        String[] labels = new String[builds.length];
        ClassLoader[] loaders = new ClassLoader[builds.length];
        for (int v = 0; v < builds.length; v++) {
            String[] labelJar = builds[v].split("=", 2);
            labels[v] = labelJar[0];
            loaders[v] = new URLClassLoader(new URL[] {Path.of(labelJar[1]).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
        }
        List<Measure> measures = args[0].equals("step") ? steps(loaders, Integer.parseInt(args[2]))
                : gemms(loaders, args[2].split(","));
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        for (Measure measure : measures) {
            double[][] micros = new double[builds.length][rounds];
            for (int r = -6; r < rounds; r++) {
                for (int i = 0; i < builds.length; i++) {
                    int v = (r & 1) == 0 ? i : builds.length - 1 - i;
                    long start = now();
                    for (int c = 0; c < measure.calls(); c++) {
                        measure.perBuild()[v].run();
                    }
                    if (r >= 0) {
                        micros[v][r] = (now() - start) / 1e3 / measure.calls();
                    }
                }
            }
            StringBuilder line = new StringBuilder(String.format("%-18s", measure.name()));
            for (int v = 0; v < builds.length; v++) {
                line.append(String.format(" | %s %9.2f us", labels[v], median(micros[v])));
            }
            for (int v = 1; v < builds.length; v++) {
                double[] ratio = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratio[r] = micros[v][r] / micros[0][r];
                }
                Arrays.sort(ratio);
                line.append(String.format(" | %s/%s %.3f (%.3f-%.3f)", labels[v], labels[0], ratio[rounds / 2],
                        ratio[rounds / 4], ratio[3 * rounds / 4]));
            }
            System.out.println(line);
        }
    }

    private static long now() {
        return THREADS == 1 ? MX.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Each {@code PATTERN:MxNxK} product, about 0.4 GFLOP per measurement. */
    private static List<Measure> gemms(ClassLoader[] loaders, String[] shapes) throws ReflectiveOperationException {
        List<Measure> measures = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        for (String shape : shapes) {
            boolean transA = shape.charAt(0) == 'T';
            boolean transB = shape.charAt(1) == 'T';
            int[] mnk = Arrays.stream(shape.substring(3).split("x")).mapToInt(Integer::parseInt).toArray();
            int m = mnk[0], n = mnk[1], k = mnk[2];
            float[] a = GemmBenchmark.randomFloats(random, m * k);
            float[] b = GemmBenchmark.randomFloats(random, k * n);
            float[] c = new float[m * n];
            Runnable[] perBuild = new Runnable[loaders.length];
            for (int v = 0; v < loaders.length; v++) {
                Class<?> kernels = loaders[v].loadClass("backprop.kernels.Kernels");
                kernels.getMethod("setThreads", int.class).invoke(kernels.getMethod("get").invoke(null), THREADS);
                Object impl = kernels.getMethod("forShape", int.class, int.class, int.class).invoke(null, m, n, k);
                Method sgemm = kernels.getMethod("sgemm", boolean.class, boolean.class, int.class, int.class, int.class,
                        float[].class, float[].class, float.class, float[].class);
                perBuild[v] = () -> invoke(sgemm, impl, transA, transB, m, n, k, a, b, 0f, c);
            }
            measures.add(new Measure(shape, perBuild, (int) Math.max(5, 2e8 / ((double) m * n * k))));
        }
        return measures;
    }

    /** TrainingStepBenchmark's step and gemms at one batch size, one thread. */
    private static List<Measure> steps(ClassLoader[] loaders, int batch) throws ReflectiveOperationException {
        Runnable[] step = new Runnable[loaders.length];
        Runnable[] gemms = new Runnable[loaders.length];
        for (int v = 0; v < loaders.length; v++) {
            Class<?> type = loaders[v].loadClass(TrainingStepBenchmark.class.getName());
            Object bench = type.getConstructor().newInstance();
            for (String field : new String[] {"batch", "threads"}) {
                Field f = type.getDeclaredField(field);
                f.setAccessible(true);
                f.setInt(bench, field.equals("batch") ? batch : THREADS);
            }
            type.getMethod("setUp").invoke(bench);
            type.getMethod("setUpGemms").invoke(bench);
            Method stepMethod = type.getMethod("step");
            Method gemmsMethod = type.getMethod("gemms");
            step[v] = () -> invoke(stepMethod, bench);
            gemms[v] = () -> invoke(gemmsMethod, bench);
        }
        int calls = Math.max(20, 25_600 / batch);
        return List.of(new Measure("step batch " + batch, step, calls), new Measure("gemms batch " + batch, gemms, calls));
    }

    private static void invoke(Method method, Object target, Object... args) {
        try {
            method.invoke(target, args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
