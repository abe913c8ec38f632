package backprop.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's float32 fused multiply-add peak on one core, as the JVM reaches it: twelve
 * independent vector accumulators (enough to hide the FMA latency on every x86 core we know) and
 * nothing but FMAs in the loop. The ceiling the GEMM numbers in RESULTS.md are read against.
 *
 * <pre>java -jar backprop-bench/target/benchmarks.jar FmaPeakBenchmark</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
@Threads(1)
public class FmaPeakBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ROUNDS = 1000;

    private float[] seed;

    @Setup
    public void setUp() {
        seed = new float[S.length() * 14];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = 1f + i * 1e-7f;
        }
    }

    @Benchmark
    public float fma(Flops flops) {
        int l = S.length();
        FloatVector x = FloatVector.fromArray(S, seed, 0);
        FloatVector y = FloatVector.fromArray(S, seed, l);
        FloatVector c0 = FloatVector.fromArray(S, seed, 2 * l), c1 = FloatVector.fromArray(S, seed, 3 * l);
        FloatVector c2 = FloatVector.fromArray(S, seed, 4 * l), c3 = FloatVector.fromArray(S, seed, 5 * l);
        FloatVector c4 = FloatVector.fromArray(S, seed, 6 * l), c5 = FloatVector.fromArray(S, seed, 7 * l);
        FloatVector c6 = FloatVector.fromArray(S, seed, 8 * l), c7 = FloatVector.fromArray(S, seed, 9 * l);
        FloatVector c8 = FloatVector.fromArray(S, seed, 10 * l), c9 = FloatVector.fromArray(S, seed, 11 * l);
        FloatVector c10 = FloatVector.fromArray(S, seed, 12 * l), c11 = FloatVector.fromArray(S, seed, 13 * l);
        for (int r = 0; r < ROUNDS; r++) {
            c0 = x.fma(y, c0);
            c1 = x.fma(y, c1);
            c2 = x.fma(y, c2);
            c3 = x.fma(y, c3);
            c4 = x.fma(y, c4);
            c5 = x.fma(y, c5);
            c6 = x.fma(y, c6);
            c7 = x.fma(y, c7);
            c8 = x.fma(y, c8);
            c9 = x.fma(y, c9);
            c10 = x.fma(y, c10);
            c11 = x.fma(y, c11);
        }
        flops.gflops += 2e-9 * 12 * l * ROUNDS;
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
