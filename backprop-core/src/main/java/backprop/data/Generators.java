package backprop.data;

import static backprop.internal.Checks.require;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Small two-dimensional classification problems drawn from a random generator, for seeing
 * what a hidden layer buys: neither is linearly separable. The same generator state gives
 * the same points, bit for bit.
 */
public final class Generators {
    private Generators() {}

    /**
     * XOR: points uniform in {@code [-1, 1]^2}, class 1 where exactly one coordinate is positive
     * (the 2nd and 4th quadrants), class 0 elsewhere. The label is decided on the clean point, then
     * both coordinates get Gaussian noise of standard deviation {@code noise}, so points near the
     * axes may sit on the wrong side: the noise is in the labels as seen from the features.
     * Features {@code x, y}; classes {@code "0", "1"}.
     *
     * @param n the number of points, at least 2
     * @param noise the noise's standard deviation, at least 0
     * @param random the source of the points and the noise; advanced
     * @return the points, in the order drawn
     * @throws IllegalArgumentException if {@code n} or {@code noise} is out of range
     */
    public static Dataset xor(int n, double noise, RandomGenerator random) {
        require(n >= 2, "Generators.xor: n must be >= 2; got %d", n);
        require(noise >= 0, "Generators.xor: noise must be >= 0; got %s", noise);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double a = random.nextDouble(-1, 1);
            double b = random.nextDouble(-1, 1);
            y[i] = (a > 0) != (b > 0) ? 1 : 0;
            x[2 * i] = (float) (a + noise * random.nextGaussian());
            x[2 * i + 1] = (float) (b + noise * random.nextGaussian());
        }
        return Dataset.classificationOwning(x, 2, y, List.of("x", "y"), List.of("0", "1"));
    }

    /**
     * Interleaved spirals, one class per arm, {@code n} points in all (row {@code i} is on arm
     * {@code i % arms}). A point at fraction {@code t} (uniform in [0, 1)) along its arm sits at
     * radius {@code 0.1 + 0.9 t} and angle {@code 2 pi (turns t + arm / arms)}, plus Gaussian noise
     * of standard deviation {@code noise} on each coordinate. Arms are rotations of one another,
     * so no straight line does much better than chance, while neighbouring windings stay
     * {@code 0.9 / (turns * arms)} apart, which a small MLP resolves. Features {@code x, y};
     * classes {@code "0" .. arms-1}.
     *
     * @param n the number of points, at least {@code arms}
     * @param arms the number of arms and classes, at least 2
     * @param turns how many times each arm winds around the origin, more than 0
     * @param noise the noise's standard deviation, at least 0
     * @param random the source of the points and the noise; advanced
     * @return the points, in the order drawn
     * @throws IllegalArgumentException if an argument is out of range
     */

    public static Dataset spirals(int n, int arms, double turns, double noise, RandomGenerator random) {
        require(arms >= 2, "Generators.spirals: arms must be >= 2; got %d", arms);
        require(n >= arms, "Generators.spirals: n must be >= arms (%d); got %d", arms, n);
        require(turns > 0, "Generators.spirals: turns must be > 0; got %s", turns);
        require(noise >= 0, "Generators.spirals: noise must be >= 0; got %s", noise);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int arm = i % arms;
            double t = random.nextDouble();
            double r = 0.1 + 0.9 * t;
            double angle = 2 * Math.PI * (turns * t + (double) arm / arms);
            x[2 * i] = (float) (r * Math.cos(angle) + noise * random.nextGaussian());
            x[2 * i + 1] = (float) (r * Math.sin(angle) + noise * random.nextGaussian());
            y[i] = arm;
        }
        List<String> classes = new ArrayList<>();
        for (int k = 0; k < arms; k++) {
            classes.add(Integer.toString(k));
        }
        return Dataset.classificationOwning(x, 2, y, List.of("x", "y"), classes);
    }
}
