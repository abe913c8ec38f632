package backprop.bench;

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
 * forward, loss, zero-grad, backward, update. Run with {@code -prof gc} for the bytes a step
 * allocates ({@code gc.alloc.rate.norm}), the number the per-step allocation work is judged by.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
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

    @Setup
    public void setUp() {
        Kernels.get().setThreads(threads);
        SplittableRandom rng = new SplittableRandom(1);
        model = new Mlp(784, List.of(256, 128), 10, Activation.Kind.RELU, 0).build(DType.FLOAT32, rng, rng);
        adam = new Adam(model.parameters(), Adam.Options.DEFAULTS);
        x = Tensor.uniform(rng, 0, 1, DType.FLOAT32, batch, 784);
        labels = rng.ints(batch, 0, 10).toArray();
    }

    @Benchmark
    public double step() {
        adam.zeroGrad();
        Tensor loss = Loss.crossEntropyMean(model.forward(x), labels);
        loss.backward();
        adam.step();
        return loss.item();
    }
}
