package backprop.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.nn.Linear;
import backprop.nn.Init;
import backprop.nn.Loss;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SgdTest {

    /**
     * Logistic regression trained one sample at a time equals the exercise's update
     * w_j <- w_j + η x_j (y - h(x)), b <- b + η (y - h(x)), to the last bit of float64
     * (h(x) is taken from the network, so the order of the dot product's sum does not matter).
     */
    @Test
    void perSampleSgdIsTheTextbookLogisticRegressionUpdate() {
        SplittableRandom rng = new SplittableRandom(7);
        int features = 5;
        double eta = 0.3;
        Linear model = new Linear(features, 1, Init.XAVIER, DType.FLOAT64, rng);
        double[] w = model.weight().toDoubleArray();
        double b = model.bias().item();
        Sgd sgd = new Sgd(model.parameters(), eta);
        for (int step = 0; step < 200; step++) {
            double[] x = new double[features];
            for (int j = 0; j < features; j++) {
                x[j] = rng.nextDouble(-2, 2);
            }
            double y = rng.nextBoolean() ? 1 : 0;

            Tensor input = Tensor.wrap(x.clone(), 1, features);
            double h = model.forward(input).sigmoid().item();   // h(x), as the network computes it

            sgd.zeroGrad();
            Loss.bceWithLogits(model.forward(input), Tensor.scalar(y)).backward();
            sgd.step();

            for (int j = 0; j < features; j++) {
                w[j] = w[j] + eta * ((y - h) * x[j]);
            }
            b = b + eta * (y - h);
        }
        assertThat(model.weight().toDoubleArray()).containsExactly(w);
        assertThat(model.bias().item()).isEqualTo(b);
    }

    @Test
    void momentumAndNesterovFollowPyTorchsFormulas() {
        Parameter p = Parameter.of(Tensor.vector(1.0));
        Sgd sgd = new Sgd(List.of(p), 0.1, new Sgd.Options(0.9, true, 0.01));
        double w = 1;
        double buf = 0;
        for (int step = 0; step < 3; step++) {
            sgd.zeroGrad();
            p.mul(p).sum().backward();          // g = 2w
            sgd.step();
            double g = 2 * w + 0.01 * w;
            buf = step == 0 ? g : 0.9 * buf + g;
            w = w - 0.1 * (g + 0.9 * buf);
        }
        assertThat(p.item()).isEqualTo(w);
    }

    @Test
    void badOptionsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> new Sgd(List.of(Parameter.of(Tensor.scalar(1))), 0)).hasMessage("learning rate must be finite and > 0; got 0.0");
        assertThatThrownBy(() -> new Sgd.Options(1, false, 0)).hasMessage("momentum must be in [0, 1); got 1.0");
    }
}
