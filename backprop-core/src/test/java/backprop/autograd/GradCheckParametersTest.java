package backprop.autograd;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.nn.Activation;
import backprop.nn.Loss;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradCheckParametersTest {
    private final Sequential net = new Mlp(3, List.of(4), 2, Activation.TANH, 0)
            .build(DType.FLOAT64, new SplittableRandom(7), new SplittableRandom(7));
    private final Tensor x = Tensor.randn(new SplittableRandom(8), DType.FLOAT64, 5, 3);

    @Test
    void backpropOfAnMlpAgreesWithFiniteDifferencesAndValuesAreRestored() {
        double[] before = net.parameters().get(0).toDoubleArray();
        var checks = GradCheck.parameters(() -> Loss.crossEntropy(net.forward(x), new int[] {0, 1, 1, 0, 1}),
                net.namedParameters(), 5, new SplittableRandom(1));
        assertThat(checks).extracting(GradCheck.ParameterCheck::name).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
        assertThat(checks).allSatisfy(c -> assertThat(c.passed(GradCheck.TOLERANCE)).isTrue());
        assertThat(checks.get(0).checked()).hasSize(5).isSorted().doesNotHaveDuplicates();   // 12 elements, 5 sampled
        assertThat(checks.get(1).checked()).containsExactly(0, 1, 2, 3);                       // 4 elements: all
        assertThat(net.parameters().get(0).toDoubleArray()).containsExactly(before);
    }

    @Test
    void aLossThatBackpropagatesNothingFails() {
        var checks = GradCheck.parameters(() -> net.forward(x).detach().sum(), net.namedParameters(), 20, new SplittableRandom(1));
        assertThat(checks).anySatisfy(c -> assertThat(c.passed(GradCheck.TOLERANCE)).isFalse());
    }

    /** Issue 17: no verdict is computed from a derivative that is not a number. */
    @Test
    void anAnalyticDerivativeThatIsNotFiniteFailsNamingTheElementEvenOutsideTheSample() {
        backprop.tensor.Parameter p = backprop.tensor.Parameter.of(Tensor.wrap(new double[] {1, 4, 0, 9, 16, 25}, 6));
        // d sqrt(p) / dp = 1 / (2 sqrt(p)): infinite at p = 0, element 2, which a sample of one (element 0 or 5, say) may miss
        for (long seed = 0; seed < 5; seed++) {
            var check = GradCheck.parameters(() -> p.sqrt().sum(), java.util.Map.of("p", p), 1, new SplittableRandom(seed)).get(0);
            assertThat(check.passed(1)).isFalse();
            assertThat(check.nonFinite()).isEqualTo(new GradCheck.NonFinite(true, 2, Double.POSITIVE_INFINITY));
            assertThat(check.worstIndex()).isEqualTo(2);
        }
    }

    @Test
    void aNumericDerivativeThatIsNotFiniteFailsNamingTheElement() {
        backprop.tensor.Parameter p = backprop.tensor.Parameter.of(Tensor.wrap(new double[] {2, 1e-7}, 2));
        // log(p) has the finite derivative 1e7 at 1e-7, but the step of 1e-6 takes p below 0, where log is NaN
        var check = GradCheck.parameters(() -> p.log().sum(), java.util.Map.of("p", p), 2, new SplittableRandom(1)).get(0);
        assertThat(check.passed(1e300)).isFalse();
        assertThat(check.nonFinite()).satisfies(n -> {
            assertThat(n.analytic()).isFalse();
            assertThat(n.index()).isEqualTo(1);
            assertThat(n.value()).isNaN();
        });
        assertThat(p.toDoubleArray()).containsExactly(2, 1e-7);
    }
}
