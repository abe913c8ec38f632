package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeneratorsTest {
    @Test
    void theSameSeedGivesTheSamePointsBitForBit() {
        Dataset a = Generators.xor(500, 0.05, new SplittableRandom(11));
        Dataset b = Generators.xor(500, 0.05, new SplittableRandom(11));
        assertThat(a.features()).isEqualTo(b.features());
        assertThat(a.labels()).isEqualTo(b.labels());
        assertThat(Generators.xor(500, 0.05, new SplittableRandom(12)).features()).isNotEqualTo(a.features());
    }

    @Test
    void xorLabelsFollowTheQuadrantsUpToTheNoise() {
        Dataset d = Generators.xor(2000, 0.0, new SplittableRandom(1));
        for (int i = 0; i < d.size(); i++) {
            boolean odd = (d.feature(i, 0) > 0) != (d.feature(i, 1) > 0);
            assertThat(d.label(i)).isEqualTo(odd ? 1 : 0);
        }
    }

    @Test
    void spiralsAreBalancedAndInsideTheUnitDisc() {
        Dataset d = Generators.spirals(3000, 3, 1.5, 0.0, new SplittableRandom(2));
        assertThat(d.classCounts()).containsExactly(1000, 1000, 1000);
        for (int i = 0; i < d.size(); i++) {
            double r = Math.hypot(d.feature(i, 0), d.feature(i, 1));
            assertThat(r).isBetween(0.09, 1.01);
        }
    }

    /** The built-in spirals: a straight line is near chance, a nonlinear rule (1-nearest neighbour) is near perfect. */
    @Test
    void spiralsDefeatALinearModelButNotANonlinearOne() {
        Dataset d = Generators.spirals(DataSources.SPIRAL_POINTS, 2, DataSources.SPIRAL_TURNS, DataSources.SPIRAL_NOISE,
                new SplittableRandom(1));
        Split s = Split.shuffled(d, 0.2, new SplittableRandom(1));
        assertThat(logisticRegressionAccuracy(s)).isLessThan(0.65);
        assertThat(nearestNeighbourAccuracy(s)).isGreaterThanOrEqualTo(0.98);
    }

    @Test
    void xorDefeatsALinearModel() {
        Dataset d = Generators.xor(DataSources.XOR_POINTS, DataSources.XOR_NOISE, new SplittableRandom(1));
        Split s = Split.shuffled(d, 0.2, new SplittableRandom(1));
        assertThat(logisticRegressionAccuracy(s)).isLessThan(0.65);
        assertThat(nearestNeighbourAccuracy(s)).isGreaterThanOrEqualTo(0.9);
    }

    /** Binary logistic regression on (x, y) by full-batch gradient descent, test accuracy. */
    static double logisticRegressionAccuracy(Split s) {
        Dataset train = s.train();
        double w0 = 0, w1 = 0, b = 0;
        for (int step = 0; step < 2000; step++) {
            double g0 = 0, g1 = 0, gb = 0;
            for (int i = 0; i < train.size(); i++) {
                double z = w0 * train.feature(i, 0) + w1 * train.feature(i, 1) + b;
                double err = 1 / (1 + Math.exp(-z)) - train.label(i); // d(BCE)/dz = sigmoid(z) - y
                g0 += err * train.feature(i, 0);
                g1 += err * train.feature(i, 1);
                gb += err;
            }
            w0 -= 0.5 * g0 / train.size();
            w1 -= 0.5 * g1 / train.size();
            b -= 0.5 * gb / train.size();
        }
        Dataset test = s.test();
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            double z = w0 * test.feature(i, 0) + w1 * test.feature(i, 1) + b;
            right += (z > 0 ? 1 : 0) == test.label(i) ? 1 : 0;
        }
        return (double) right / test.size();
    }

    static double nearestNeighbourAccuracy(Split s) {
        Dataset train = s.train();
        Dataset test = s.test();
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            double best = Double.MAX_VALUE;
            int label = -1;
            for (int j = 0; j < train.size(); j++) {
                double dx = test.feature(i, 0) - train.feature(j, 0);
                double dy = test.feature(i, 1) - train.feature(j, 1);
                double dist = dx * dx + dy * dy;
                if (dist < best) {
                    best = dist;
                    label = train.label(j);
                }
            }
            right += label == test.label(i) ? 1 : 0;
        }
        return (double) right / test.size();
    }
}
