package backprop.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The loops against their one-line definitions, with the values where a blend could go wrong. */
class LoopsTest {
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, 1f, -1f};

    private static float[] values(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(4) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextGaussian();
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 16, 17, 33, 100, 1000})
    void reluAndItsBackwardAreTheirDefinitions(int n) {
        float[] x = values(n, n);
        float[] g = values(n, n + 1);
        float[] out = new float[n];
        Loops.relu(x, out, n);
        for (int i = 0; i < n; i++) {
            assertThat(Float.floatToIntBits(out[i])).as("relu(%s)", x[i]).isEqualTo(Float.floatToIntBits(x[i] > 0 ? x[i] : 0f));
        }
        Loops.reluBackward(g, x, out, n);
        for (int i = 0; i < n; i++) {
            assertThat(Float.floatToIntBits(out[i])).as("backward at %s", x[i]).isEqualTo(Float.floatToIntBits(x[i] > 0 ? g[i] : 0f));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 16, 31, 128})
    void biasReluAddsTheRowVectorThenTakesTheReLU(int width) {
        int rows = 5;
        float[] c = values(rows * width, width);
        float[] b = values(width, width + 7);
        float[] expected = new float[c.length];
        for (int i = 0; i < c.length; i++) {
            float y = c[i] + b[i % width];
            expected[i] = y > 0 ? y : 0f;
        }
        Loops.biasRelu(c, b, rows);
        assertThat(c).containsExactly(expected);
    }
}
