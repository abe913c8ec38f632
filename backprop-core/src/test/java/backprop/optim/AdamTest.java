package backprop.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {

    @Test
    void stepsMatchAlgorithmOneComputedByHand() {
        Parameter p = Parameter.of(Tensor.vector(0.5, -1.5));
        Adam adam = new Adam(List.of(p), 0.1);
        double[] w = {0.5, -1.5};
        double[] m = new double[2];
        double[] v = new double[2];
        for (int t = 1; t <= 5; t++) {
            adam.zeroGrad();
            p.pow(3).sum().backward();          // g = 3 w^2
            adam.step();
            for (int i = 0; i < 2; i++) {
                double g = 3 * w[i] * w[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                w[i] -= 0.1 * (m[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8);
            }
        }
        assertThat(p.toDoubleArray()).containsExactly(w, within(1e-15));
    }

    @Test
    void adamWDecaysTheWeightsApartFromTheGradient() {
        Parameter p = Parameter.of(Tensor.vector(2.0));
        AdamW adamW = new AdamW(List.of(p), 0.1, Adam.Options.DEFAULTS.withWeightDecay(0.5));
        p.mul(0).sum().backward();               // zero gradient: only the decay moves w
        adamW.step();
        assertThat(p.item()).isEqualTo(2.0 - 0.1 * 0.5 * 2.0);
    }

    @Test
    void stateRoundTripsForCheckpoints() {
        Parameter p = Parameter.of(Tensor.vector(1, 2));
        Adam a = new Adam(List.of(p), 1e-3);
        p.sum().backward();
        a.step();
        Parameter q = Parameter.of(Tensor.wrap(p.toDoubleArray(), 2));
        Adam b = new Adam(List.of(q), 1e-3);
        b.loadState(a.state());
        p.zeroGrad();
        p.mul(p).sum().backward();
        a.step();
        q.mul(q).sum().backward();
        b.step();
        assertThat(q.toDoubleArray()).containsExactly(p.toDoubleArray());
    }

    @Test
    void warmupThenCosine() {
        Schedule s = Schedule.cosine(100, 0).withWarmup(10);
        assertThat(s.rate(1, 0)).isEqualTo(0.1);
        assertThat(s.rate(1, 9)).isEqualTo(1);
        assertThat(s.rate(1, 50)).isCloseTo(0.5, within(1e-12));
        assertThat(Schedule.stepDecay(10, 0.5).rate(1, 25)).isEqualTo(0.25);
    }
}
