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
}
