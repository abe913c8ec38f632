package backprop.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts floating-point work for a benchmark that adds its GFLOP to {@link #gflops}; JMH divides
 * it by the time and reports it as {@code <benchmark>:gflops}, in GFLOP/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Flops {
    /** GFLOP done in this iteration so far. */
    public double gflops;

    /** Starts each iteration's count at zero. */
    @Setup(Level.Iteration)
    public void reset() {
        gflops = 0;
    }
}
