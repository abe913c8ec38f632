package backprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.autograd.GradCheck;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MlpTest {

    @Test
    void parametersAreNamedAsPyTorchNamesASequential() {
        Sequential net = new Mlp(4, List.of(8, 6), 3, Activation.RELU, 0.5)
                .build(DType.FLOAT32, new SplittableRandom(1), new SplittableRandom(2));
        assertThat(net.namedParameters().keySet())
                .containsExactly("0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias");
        assertThat(net.namedParameters().get("0.weight").shape()).containsExactly(8, 4);
        assertThat(net.parameterCount()).isEqualTo(4 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3);
    }

    @Test
    void specParameterShapesAreThoseBuildMakes() {
        for (double dropout : new double[] {0, 0.5}) {
            for (List<Integer> hidden : List.of(List.<Integer>of(), List.of(8), List.of(8, 6))) {
                Mlp mlp = new Mlp(4, hidden, 3, Activation.TANH, dropout);
                Map<String, int[]> built = new java.util.LinkedHashMap<>();
                mlp.build(DType.FLOAT32, new SplittableRandom(1), new SplittableRandom(2)).namedParameters()
                        .forEach((name, p) -> built.put(name, p.shape()));
                Map<String, int[]> shapes = mlp.spec().parameterShapes();
                assertThat(shapes).containsOnlyKeys(built.keySet());
                built.forEach((name, shape) -> assertThat(shapes.get(name)).as(name).isEqualTo(shape));
                assertThat(List.copyOf(shapes.keySet())).isEqualTo(List.copyOf(built.keySet()));
            }
        }
    }

    @Test
    void dropoutIsTheIdentityInEvaluationAndKeepsTheMeanInTraining() {
        Dropout d = new Dropout(0.25, new SplittableRandom(3));
        Tensor x = Tensor.ones(DType.FLOAT64, 100_000);
        d.eval();
        assertThat(d.forward(x)).isSameAs(x);
        d.train();
        double mean = d.forward(x).mean().item();
        assertThat(mean).isBetween(0.98, 1.02);
    }

    /** Backprop through a whole network, every parameter, against finite differences. */
    @Test
    void wholeNetworkGradChecksForEveryActivation() {
        for (Activation act : Activation.values()) {
            Sequential net = new Mlp(3, List.of(5, 4), 3, act, 0)
                    .build(DType.FLOAT64, new SplittableRandom(5), new SplittableRandom(6));
            Tensor x = Tensor.uniform(new SplittableRandom(9), -1, 1, DType.FLOAT64, 6, 3);
            int[] labels = {0, 1, 2, 2, 1, 0};
            Map<String, Parameter> params = net.namedParameters();
            List<Tensor> values = new ArrayList<>(params.values());
            GradCheck.Result r = GradCheck.run(ps -> {
                try (var noGrad = backprop.autograd.GradMode.disabled()) {
                    for (int i = 0; i < ps.size(); i++) {
                        params.values().toArray(new Parameter[0])[i].copyFrom(ps.get(i));
                    }
                }
                return Loss.crossEntropy(forwardWith(net, ps, x), labels);
            }, values);
            assertThat(r.worst()).as(act.id()).isLessThan(1e-7);
        }
    }

    /** The network's forward pass with the given tensors standing in for its parameters, in order. */
    private static Tensor forwardWith(Sequential net, List<Tensor> ps, Tensor x) {
        Tensor out = x;
        int k = 0;
        for (Module layer : net.layers()) {
            if (layer instanceof Linear) {
                out = out.linear(ps.get(k), ps.get(k + 1));
                k += 2;
            } else {
                out = layer.forward(out);
            }
        }
        return out;
    }
}
