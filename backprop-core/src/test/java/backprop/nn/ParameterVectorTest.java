package backprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.optim.Sgd;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParameterVectorTest {
    private static Sequential net(long seed) {
        return new Mlp(3, List.of(4), 2, Activation.RELU, 0).build(DType.FLOAT32, new SplittableRandom(seed), new SplittableRandom(0));
    }

    @Test
    void valuesAreTheParametersInOrderAndSetValuesMakesAnotherNetworkTheSame() {
        Sequential a = net(1);
        Sequential b = net(2);
        float[] v = ParameterVector.values(a.parameters());
        assertThat(v).hasSize(3 * 4 + 4 + 4 * 2 + 2);
        assertThat(v[0]).isEqualTo(a.parameters().get(0).floatData()[0]);
        assertThat(v[v.length - 1]).isEqualTo(a.parameters().get(3).floatData()[1]);

        ParameterVector.setValues(b.parameters(), v);
        Tensor x = Tensor.uniform(new SplittableRandom(3), -1, 1, DType.FLOAT32, 5, 3);
        assertThat(b.forward(x).toFloatArray()).containsExactly(a.forward(x).toFloatArray());
    }

    @Test
    void gradientsReadWhatBackwardLeftAndSetGradientsFeedsTheOptimizer() {
        Sequential net = net(1);
        List<Parameter> ps = net.parameters();
        Tensor x = Tensor.uniform(new SplittableRandom(3), -1, 1, DType.FLOAT32, 5, 3);
        Loss.crossEntropy(net.forward(x), new int[] {0, 1, 1, 0, 1}).backward();
        float[] g = ParameterVector.gradients(ps);
        assertThat(g[4 * 3]).isEqualTo((float) ps.get(1).grad().getFlat(0));

        float[] before = ParameterVector.values(ps);
        float[] doubled = g.clone();
        for (int i = 0; i < doubled.length; i++) {
            doubled[i] *= 2;
        }
        ParameterVector.setGradients(ps, doubled);
        new Sgd(ps, 0.5).step();
        float[] after = ParameterVector.values(ps);
        for (int i = 0; i < after.length; i++) {
            assertThat(after[i]).isCloseTo(before[i] - g[i], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void refusesAVectorOfTheWrongLengthAndFloat64Parameters() {
        assertThatThrownBy(() -> ParameterVector.setValues(net(1).parameters(), new float[3]))
                .hasMessageContaining("hold 26 values; got a vector of 3");
        Sequential wide = new Mlp(3, List.of(), 2, Activation.RELU, 0).build(DType.FLOAT64, new SplittableRandom(1), new SplittableRandom(0));
        assertThatThrownBy(() -> ParameterVector.values(wide.parameters())).hasMessageContaining("must be float32");
    }
}
