package backprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import backprop.autograd.GradCheck;
import backprop.tensor.Tensor;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Each fused loss equals its composite definition, passes GradCheck in both arguments, and stays finite. */
class LossProperties {

    private static Tensor random(Random rng, double low, double high, int... shape) {
        double[] v = new double[backprop.tensor.Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = low + (high - low) * rng.nextDouble();
        }
        return Tensor.wrap(v, shape);
    }

    private static Tensor labelsPlusMinusOne(Random rng, int... shape) {
        Tensor t = random(rng, -1, 1, shape);
        return Tensor.wrap(java.util.Arrays.stream(t.toDoubleArray()).map(Math::signum).toArray(), shape);
    }

    @Property(tries = 50)
    void crossEntropyMatchesItsDefinitionAndGradChecks(@ForAll @IntRange(min = 1, max = 4) int rows,
                                                        @ForAll @IntRange(min = 1, max = 5) int cols, @ForAll long seed) {
        Random rng = new Random(seed);
        Tensor z = random(rng, -3, 3, rows, cols);
        Tensor t = random(rng, 0, 1, rows, cols).softmax();
        double composite = t.mul(z.logSoftmax()).sum().neg().item();
        assertThat(Loss.crossEntropy(z, t, Reduction.SUM).item()).isCloseTo(composite, within(1e-12));
        for (Reduction r : Reduction.values()) {
            assertThat(GradCheck.run(in -> Loss.crossEntropy(in.get(0), in.get(1), r).sum(), List.of(z, t)).worst()).isLessThan(1e-7);
        }
    }

    @Property(tries = 50)
    void bceWithLogitsMatchesBceOfTheSigmoid(@ForAll @IntRange(min = 1, max = 6) int n, @ForAll long seed) {
        Random rng = new Random(seed);
        Tensor z = random(rng, -4, 4, n);
        Tensor t = random(rng, 0, 1, n);
        assertThat(Loss.bceWithLogits(z, t).item()).isCloseTo(Loss.bce(z.sigmoid(), t).item(), within(1e-12));
        Tensor p = z.sigmoid();
        for (Reduction r : Reduction.values()) {
            assertThat(GradCheck.run(in -> Loss.bceWithLogits(in.get(0), in.get(1), r).sum(), List.of(z, t)).worst()).isLessThan(1e-7);
            assertThat(GradCheck.run(in -> Loss.bce(in.get(0), in.get(1), r).sum(), List.of(p, t)).worst()).isLessThan(1e-6);
        }
    }

    @Property(tries = 50)
    void logisticMatchesItsDefinition(@ForAll @IntRange(min = 1, max = 6) int n, @ForAll long seed) {
        Random rng = new Random(seed);
        Tensor z = random(rng, -4, 4, n);
        Tensor y = labelsPlusMinusOne(rng, n);
        double composite = y.mul(z).neg().exp().add(1).log().sum().item();
        assertThat(Loss.logistic(z, y, Reduction.SUM).item()).isCloseTo(composite, within(1e-12));
        for (Reduction r : Reduction.values()) {
            assertThat(GradCheck.run(in -> Loss.logistic(in.get(0), in.get(1), r).sum(), List.of(z, y)).worst()).isLessThan(1e-7);
        }
    }

    @Property(tries = 30)
    void squaredErrorsGradCheckUnderBroadcasting(@ForAll @IntRange(min = 1, max = 4) int n, @ForAll long seed) {
        Random rng = new Random(seed);
        Tensor a = random(rng, -2, 2, n, 3);
        Tensor b = random(rng, -2, 2, 3);
        for (Reduction r : Reduction.values()) {
            assertThat(GradCheck.run(in -> Loss.mse(in.get(0), in.get(1), r).sum(), List.of(a, b)).worst()).isLessThan(1e-7);
        }
    }

    @Test
    void crossEntropyGradientIsSoftmaxMinusTargets() {
        Tensor z = Tensor.vector(1, 2, 3).requiresGrad(true);
        Tensor t = Tensor.vector(0, 1, 0);
        Loss.crossEntropy(z, t).backward();
        double[] s = Tensor.vector(1, 2, 3).softmax().toDoubleArray();
        assertThat(z.grad().toDoubleArray()).containsExactly(new double[] {s[0], s[1] - 1, s[2]}, within(1e-15));
    }

    @Test
    void fusedLossesStayFiniteForLogitsOfMagnitudeAThousand() {
        Tensor z = Tensor.vector(1000, -1000).requiresGrad(true);
        Tensor loss = Loss.crossEntropy(z, Tensor.vector(0, 1), Reduction.SUM)
                .add(Loss.bceWithLogits(z, Tensor.vector(0, 1), Reduction.SUM))
                .add(Loss.logistic(z, Tensor.vector(-1, 1), Reduction.SUM));
        loss.backward();
        assertThat(loss.item()).isEqualTo(2000 + 2000 + 2000);
        assertThat(z.grad().toDoubleArray()).containsExactly(1 + 1 + 1, -1 - 1 - 1);
    }

    @Property(tries = 50)
    void crossEntropyMeanFromClassIndicesIsTheOneHotMeanAndGradChecks(@ForAll @IntRange(min = 1, max = 6) int rows,
                                                                      @ForAll @IntRange(min = 1, max = 5) int cols,
                                                                      @ForAll long seed) {
        Random rng = new Random(seed);
        Tensor z = random(rng, -30, 30, rows, cols).requiresGrad(true);
        int[] labels = rng.ints(rows, 0, cols).toArray();
        double[] oneHot = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            oneHot[r * cols + labels[r]] = 1;
        }
        Tensor fused = Loss.crossEntropy(z, labels);
        fused.backward();
        Tensor zc = z.detach().requiresGrad(true);
        Tensor composite = Loss.crossEntropy(zc, Tensor.wrap(oneHot, rows, cols), Reduction.SUM).div(rows);
        composite.backward();
        assertThat(fused.item()).isCloseTo(composite.item(), within(1e-12));
        assertThat(z.grad().toDoubleArray()).containsExactly(zc.grad().toDoubleArray(), within(1e-14));
        for (Reduction r : Reduction.values()) {
            assertThat(GradCheck.run(in -> Loss.crossEntropy(in.get(0), labels, r).sum(), List.of(z.detach())).worst()).isLessThan(1e-7);
        }
        assertThat(Loss.crossEntropy(z, Tensor.of(labels)).item()).isEqualTo(fused.item());
        assertThat(Loss.crossEntropy(z, labels, Reduction.NONE).sum().item()).isCloseTo(fused.item() * rows, within(1e-9));
    }

    @Test
    void crossEntropyMeanFromClassIndices() {
        Tensor z = Tensor.matrix(new double[][] {{2, 0}, {0, 2}}).requiresGrad(true);
        Tensor loss = Loss.crossEntropy(z, new int[] {0, 0});
        double p = Math.exp(2) / (Math.exp(2) + 1);
        assertThat(loss.item()).isCloseTo((-Math.log(p) - Math.log(1 - p)) / 2, within(1e-15));
    }

    @Test
    void everyLossIsMeanReducedByDefaultAsInPyTorch() {
        Tensor z = Tensor.matrix(new double[][] {{0.5, -1, 2}, {1, 0, -0.5}});
        Tensor probs = Tensor.matrix(new double[][] {{0, 1, 0}, {0.2, 0.3, 0.5}});
        assertThat(Loss.crossEntropy(z, probs).item()).isEqualTo(Loss.crossEntropy(z, probs, Reduction.SUM).item() / 2);
        assertThat(Loss.crossEntropy(z, Tensor.of(2, 0)).item())
                .isCloseTo(Loss.crossEntropy(z, Tensor.of(2, 0), Reduction.NONE).mean().item(), within(1e-15));
        Tensor t = Tensor.matrix(new double[][] {{0, 1, 1}, {1, 0, 0}});
        assertThat(Loss.bceWithLogits(z, t).item()).isCloseTo(Loss.bceWithLogits(z, t, Reduction.NONE).mean().item(), within(1e-15));
        assertThat(Loss.logistic(z, t.mul(2).sub(1)).item())
                .isCloseTo(Loss.logistic(z, t.mul(2).sub(1), Reduction.NONE).mean().item(), within(1e-15));
        assertThat(Loss.mse(z, t).item()).isCloseTo(Loss.mse(z, t, Reduction.SUM).item() / 6, within(1e-15));
        assertThat(Loss.crossEntropy(z, Tensor.of(2, 0), Reduction.NONE).shape()).containsExactly(2);
    }
}
