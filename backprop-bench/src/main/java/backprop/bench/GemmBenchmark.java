package backprop.bench;

import backprop.blas.BlasKernels;
import backprop.kernels.JavaKernels;
import backprop.kernels.Kernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The float32 GEMMs of the first layer of the Fashion-MNIST MLP (784-256-128-10), at batch 128
 * and 32, for each kernel implementation and thread count. The {@code gflops} counter is the
 * result to read (GFLOP/s, 2mnk per product); the primary score is products per second.
 *
 * <p>The forks get the Vector API module, as bin/backprop's train does, so {@code java} is the
 * Vector API micro-kernel where the hardware has FMA; {@code -jvmArgsAppend -Dbackprop.vector=false}
 * (which replaces the module option) measures the plain loop instead.
 *
 * <pre>java -jar backprop-bench/target/benchmarks.jar GemmBenchmark -f 1 -wi 3 -i 5</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class GemmBenchmark {

    /**
     * {@code pattern:batch}. NT is the forward pass x W1^T (m = batch, n = 256, k = 784), NN the
     * input gradient G W1 (m = batch, n = 784, k = 256), TN the weight gradient G^T x (m = 256,
     * n = 784, k = batch). Or {@code pattern:MxNxK} for any other product, such as the other
     * layers' ({@code -p shape=NT:128x128x256,TN:128x256x128,NN:128x256x128}).
     */
    @Param({"NT:128", "NN:128", "TN:128", "NT:32", "NN:32", "TN:32"})
    public String shape;

    @Param({"java", "openblas"})
    public String kernels;

    @Param({"1", "2"})
    public int threads;

    private Kernels impl;
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        impl = switch (kernels) {
            case "java" -> new JavaKernels();
            case "openblas" -> new BlasKernels();
            default -> throw new IllegalArgumentException("kernels: must be java or openblas; got " + kernels);
        };
        // "java" runs as "java-vector" when the fork has the Vector API
        if (!impl.name().equals(kernels) && !impl.name().equals(kernels + "-vector")) {
            throw new IllegalStateException("GemmBenchmark: asked for " + kernels + " kernels; got " + impl.name());
        }
        impl.setThreads(threads);
        String pattern = shape.substring(0, 2);
        transA = pattern.charAt(0) == 'T';
        transB = pattern.charAt(1) == 'T';
        if (shape.contains("x")) {   // PATTERN:MxNxK
            String[] mnk = shape.substring(3).split("x");
            m = Integer.parseInt(mnk[0]);
            n = Integer.parseInt(mnk[1]);
            k = Integer.parseInt(mnk[2]);
        } else {
            int batch = Integer.parseInt(shape.substring(3));
            m = pattern.equals("TN") ? 256 : batch;
            n = pattern.equals("NT") ? 256 : 784;
            k = switch (pattern) {
                case "NT" -> 784;
                case "NN" -> 256;
                default -> batch;
            };
        }
        SplittableRandom random = new SplittableRandom(42);
        a = randomFloats(random, m * k);
        b = randomFloats(random, k * n);
        c = new float[m * n];
    }

    @Benchmark
    public float[] sgemm(Flops flops) {
        impl.sgemm(transA, transB, m, n, k, a, b, 0f, c);
        flops.gflops += 2e-9 * m * n * k;
        return c;
    }

    /** {@return length floats uniform in [-1, 1)} Also the operands of {@link SideBySide}. */
    static float[] randomFloats(SplittableRandom random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        return x;
    }
}
