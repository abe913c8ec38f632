package backprop.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.nn.Activation;
import backprop.nn.Loss;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.optim.Adam;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * A workspace reuses the memory of one step in the next; these tests fail if that reuse ever
 * aliases a buffer that is still in use: every number must be the same, bit for bit, as without one.
 */
class WorkspaceTest {

    /** Every step's loss, then every parameter's final values, of a few Adam steps from one seed. */
    private static List<double[]> train(DType dtype, Activation activation, boolean reuse, int steps) {
        SplittableRandom rng = new SplittableRandom(7);
        Sequential model = new Mlp(12, List.of(16, 8), 3, activation, 0).build(dtype, rng, rng);
        Adam adam = new Adam(model.parameters(), 1e-2);
        Workspace workspace = new Workspace();
        SplittableRandom data = new SplittableRandom(11);
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            int n = s % 3 == 2 ? 5 : 8;   // the batch shape changes, as at an epoch's last batch
            Tensor x = Tensor.uniform(data, -1, 1, dtype, n, 12);
            int[] labels = data.ints(n, 0, 3).toArray();
            try (var step = reuse ? workspace.step() : null) {
                adam.zeroGrad();
                Tensor loss = Loss.crossEntropy(model.forward(x), labels);
                loss.backward();
                adam.step();
                losses[s] = loss.item();
            }
        }
        List<double[]> out = new ArrayList<>();
        out.add(losses);
        model.parameters().forEach(p -> out.add(p.toDoubleArray()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void stepsInAWorkspaceGiveTheSameBitsAsWithout(DType dtype) {
        for (Activation activation : List.of(Activation.RELU, Activation.TANH)) {
            List<double[]> fresh = train(dtype, activation, false, 7);
            List<double[]> reused = train(dtype, activation, true, 7);
            assertThat(reused).hasSameSizeAs(fresh);
            for (int i = 0; i < fresh.size(); i++) {
                assertThat(reused.get(i)).as("%s %s, array %d", dtype, activation, i).isEqualTo(fresh.get(i));
            }
        }
    }

    /** The gradients of {@code f}'s parameters after a backward pass, with or without a workspace, as copies. */
    private static List<double[]> gradients(boolean reuse, int passes, boolean zeroGrad, Function<List<Tensor>, Tensor> f,
                                            List<Tensor> params) {
        Workspace workspace = new Workspace();
        params.forEach(Tensor::zeroGrad);
        for (int pass = 0; pass < passes; pass++) {
            try (var step = reuse ? workspace.step() : null) {
                if (zeroGrad) {
                    params.forEach(Tensor::zeroGrad);
                }
                f.apply(params).backward();
            }
        }
        return params.stream().map(p -> p.grad().toDoubleArray()).toList();
    }

    private static List<Tensor> parameters(DType dtype, int... sizes) {
        SplittableRandom rng = new SplittableRandom(3);
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i += 2) {
            params.add(Tensor.uniform(rng, -1, 1, dtype, sizes[i], sizes[i + 1]).requiresGrad(true));
        }
        return params;
    }

    @Test
    void gradientsAccumulatedOverStepsWithoutZeroGradAreTheSame() {
        Tensor x = Tensor.uniform(new SplittableRandom(5), -1, 1, DType.FLOAT32, 6, 4);
        List<Tensor> params = parameters(DType.FLOAT32, 5, 4, 1, 5);
        Function<List<Tensor>, Tensor> f = p -> x.linearRelu(p.get(0), null).linear(p.get(1), null).sum();
        for (int passes = 1; passes <= 3; passes++) {
            List<double[]> fresh = gradients(false, passes, false, f, params);
            List<double[]> reused = gradients(true, passes, false, f, params);
            for (int i = 0; i < fresh.size(); i++) {
                assertThat(reused.get(i)).as("%d passes, parameter %d", passes, i).isEqualTo(fresh.get(i));
            }
        }
    }

    @Test
    void aWeightUsedTwiceAndAFloat64InputGetTheSameGradients() {
        Tensor x = Tensor.uniform(new SplittableRandom(5), -1, 1, DType.FLOAT64, 6, 4);
        List<Tensor> params = parameters(DType.FLOAT32, 4, 4);
        Function<List<Tensor>, Tensor> f = p -> x.linearRelu(p.get(0), null).linear(p.get(0), null).tanh().sum();
        assertThat(gradients(true, 2, true, f, params).get(0)).isEqualTo(gradients(false, 2, true, f, params).get(0));
    }

    @Test
    void zeroGradStillForgetsTheGradientInsideAWorkspace() {
        Tensor w = parameters(DType.FLOAT32, 3, 4).get(0);
        Tensor x = Tensor.ones(DType.FLOAT32, 2, 4);
        Workspace workspace = new Workspace();
        for (int s = 0; s < 2; s++) {
            try (var step = workspace.step()) {
                w.zeroGrad();
                assertThat(w.grad()).isNull();
                x.linear(w, null).sum().backward();
                assertThat(w.grad().toDoubleArray()).containsOnly(2.0);
            }
        }
    }

    @Test
    void aGradientSetByTheCallerIsAddedToNotOverwritten() {
        Tensor w = parameters(DType.FLOAT32, 3, 4).get(0);
        Tensor mine = Tensor.ones(DType.FLOAT32, 3, 4);
        w.setGrad(mine);
        try (var step = new Workspace().step()) {
            Tensor.ones(DType.FLOAT32, 2, 4).linear(w, null).sum().backward();
        }
        assertThat(mine.toDoubleArray()).containsOnly(1.0);
        assertThat(w.grad().toDoubleArray()).containsOnly(3.0);
    }

    @Test
    void resultsStayValidUntilTheNextStepAndOutsideResultsForever() {
        SplittableRandom rng = new SplittableRandom(1);
        Sequential model = new Mlp(6, List.of(5), 3, Activation.RELU, 0).build(DType.FLOAT32, rng, rng);
        Adam adam = new Adam(model.parameters(), 1e-2);
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT32, 4, 6);
        Tensor outside = model.forward(x);
        double[] outsideValues = outside.toDoubleArray();
        Workspace workspace = new Workspace();
        for (int s = 0; s < 3; s++) {
            try (var step = workspace.step()) {
                adam.zeroGrad();
                Tensor z = model.forward(x);
                double[] logits = z.toDoubleArray();
                Loss.crossEntropy(z, new int[] {0, 1, 2, 0}).backward();
                adam.step();
                assertThat(z.toDoubleArray()).as("the logits after backward and the update").isEqualTo(logits);
            }
        }
        assertThat(outside.toDoubleArray()).isEqualTo(outsideValues);
    }

    @Test
    void aListenerSeesTheSameGradientsInsideAWorkspace() {
        SplittableRandom rng = new SplittableRandom(2);
        Sequential model = new Mlp(6, List.of(5, 4), 3, Activation.RELU, 0).build(DType.FLOAT64, rng, rng);
        Tensor x = Tensor.uniform(rng, -1, 1, DType.FLOAT64, 4, 6);
        List<List<double[]>> seen = new ArrayList<>();
        for (boolean reuse : new boolean[] {false, true}) {
            List<double[]> gradients = new ArrayList<>();
            model.zeroGrad();
            try (var step = reuse ? new Workspace().step() : null) {
                Backward.run(Loss.crossEntropy(model.forward(x), new int[] {0, 1, 2, 0}), (out, grads) -> grads.forEach(
                        g -> gradients.add(g == null ? new double[0] : g.toDoubleArray())));
            }
            seen.add(gradients);
        }
        assertThat(seen.get(1)).hasSameSizeAs(seen.get(0));
        for (int i = 0; i < seen.get(0).size(); i++) {
            assertThat(seen.get(1).get(i)).isEqualTo(seen.get(0).get(i));
        }
    }

    @Test
    void aStepCannotBeOpenedTwice() {
        Workspace workspace = new Workspace();
        try (var step = workspace.step()) {
            assertThatThrownBy(workspace::step).isInstanceOf(IllegalStateException.class);
        }
        try (var again = workspace.step()) {
            assertThat(again).isNotNull();
        }
    }
}
