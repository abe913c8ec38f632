package backprop.bench;

import backprop.autograd.Workspace;
import backprop.kernels.Kernels;
import backprop.nn.Activation;
import backprop.nn.Loss;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.optim.Adam;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.List;
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
 * One W1 training step (MLP 784-256-128-10, ReLU, softmax cross-entropy, Adam) on a fixed batch:
 * forward, loss, zero-grad, backward, update; and the same step's GEMMs alone ({@link #gemms}),
 * so that step / gemms is the overhead of everything else. Run with {@code -prof gc} for the bytes a step
 * allocates ({@code gc.alloc.rate.norm}), the number the per-step allocation work is judged by.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})   // as bin/backprop trains
@State(Scope.Benchmark)
public class TrainingStepBenchmark {
    @Param({"128", "32"})
    int batch;

    @Param({"1"})
    int threads;

    private Sequential model;
    private Adam adam;
    private Tensor x;
    private int[] labels;
    private final Workspace workspace = new Workspace();

    @Setup
    public void setUp() {
        Kernels.get().setThreads(threads);
        SplittableRandom rng = new SplittableRandom(1);
        model = new Mlp(784, List.of(256, 128), 10, Activation.RELU, 0).build(DType.FLOAT32, rng, rng);
        adam = new Adam(model.parameters(), 1e-3);
        x = Tensor.uniform(rng, 0, 1, DType.FLOAT32, batch, 784);
        labels = rng.ints(batch, 0, 10).toArray();
    }

    /**
     * The step's GEMMs, {transA, transB, m, n, k}: three forward products x W^T, then per layer
     * from the top dW = G^T h and dh = G W (none for the input, which needs no gradient).
     */
    private int[][] gemmShapes;
    private float[][][] gemmOperands;

    @Setup
    public void setUpGemms() {
        gemmShapes = new int[][] {
            {0, 1, batch, 256, 784}, {0, 1, batch, 128, 256}, {0, 1, batch, 10, 128},
            {1, 0, 10, 128, batch}, {0, 0, batch, 128, 10},
            {1, 0, 128, 256, batch}, {0, 0, batch, 256, 128},
            {1, 0, 256, 784, batch}};
        SplittableRandom rng = new SplittableRandom(2);
        gemmOperands = new float[gemmShapes.length][][];
        for (int i = 0; i < gemmShapes.length; i++) {
            int[] s = gemmShapes[i];
            gemmOperands[i] = new float[][] {random(rng, s[2] * s[4]), random(rng, s[4] * s[3]), new float[s[2] * s[3]]};
        }
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextDouble(-1, 1);
        }
        return a;
    }

    /** The GEMMs of one step alone, on the kernels the step would use: the floor {@link #step} is judged against. */
    @Benchmark
    public float gemms() {
        float sum = 0;
        for (int i = 0; i < gemmShapes.length; i++) {
            int[] s = gemmShapes[i];
            float[][] o = gemmOperands[i];
            Kernels.forShape(false, s[0] == 1, s[1] == 1, s[2], s[3], s[4]).sgemm(s[0] == 1, s[1] == 1, s[2], s[3], s[4], o[0], o[1], 0f, o[2]);
            sum += o[2][0];
        }
        return sum;
    }

    /** The step as backprop train runs it ({@code LocalStep}): inside a workspace step, which reuses its memory. */
    @Benchmark
    public double step() {
        try (var reuse = workspace.step()) {
            adam.zeroGrad();
            Tensor loss = Loss.crossEntropy(model.forward(x), labels);
            loss.backward();
            adam.step();
            return loss.item();
        }
    }
}
