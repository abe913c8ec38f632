package backprop.onnx;

import backprop.data.Dataset;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.io.SavedModel;
import backprop.nn.Activation;
import backprop.nn.Mlp;
import backprop.nn.Module;
import backprop.optim.Adam;
import backprop.optim.Schedule;
import backprop.tensor.DType;
import backprop.train.Objective;
import backprop.train.Trainer;
import backprop.train.TrainingOptions;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Models as {@code backprop train} builds them (an {@link Mlp} of the CLI's options under a loss,
 * with or without a standardizer fitted on the training rows), trained briefly on synthetic rows
 * whose columns have very different scales, so that a standardization left out shows.
 */
final class Trained {
    static final int FEATURES = 5;
    static final int ROWS = 240;
    private static final float[] SCALES = {1, 100, 0.01f, 10, 1000};
    private static final float[] OFFSETS = {0, 50, -3, 7, 2000};

    /** An architecture of the CLI: {@code --hidden}, {@code --activation}, {@code --dropout}, {@code --dtype}. */
    record Architecture(String name, List<Integer> hidden, Activation activation, double dropout, DType dtype) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Architecture> ARCHITECTURES = List.of(
            new Architecture("linear (--hidden \"\")", List.of(), Activation.RELU, 0, DType.FLOAT32),
            new Architecture("relu 16", List.of(16), Activation.RELU, 0, DType.FLOAT32),
            new Architecture("tanh 16,8 dropout 0.2", List.of(16, 8), Activation.TANH, 0.2, DType.FLOAT32),
            new Architecture("sigmoid 12", List.of(12), Activation.SIGMOID, 0, DType.FLOAT32),
            new Architecture("relu 16 float64", List.of(16), Activation.RELU, 0, DType.FLOAT64));

    /** A task of the CLI: the data's classes (0 for regression) and the loss. */
    record Problem(String name, int classes, Objective objective) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Problem> PROBLEMS = List.of(
            new Problem("2 classes (bce)", 2, Objective.BCE),
            new Problem("2 classes (logistic)", 2, Objective.LOGISTIC),
            new Problem("2 classes (cross-entropy)", 2, Objective.CROSS_ENTROPY),
            new Problem("10 classes", 10, Objective.CROSS_ENTROPY),
            new Problem("regression", 0, Objective.MSE));

    private Trained() {}

    /** Raw rows, {@code n x FEATURES}, of seed {@code seed}. */
    static float[][] rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][FEATURES];
        for (float[] row : x) {
            for (int j = 0; j < FEATURES; j++) {
                row[j] = (float) (OFFSETS[j] + SCALES[j] * r.nextGaussian());
            }
        }
        return x;
    }

    /** A model of {@code a} trained for two epochs on {@code p}'s rows, standardized or not. */
    static SavedModel model(Architecture a, Problem p, boolean standardize) {
        float[][] raw = rows(ROWS, 7);
        float[] flat = new float[ROWS * FEATURES];
        for (int i = 0; i < ROWS; i++) {
            System.arraycopy(raw[i], 0, flat, i * FEATURES, FEATURES);
        }
        Standardizer s = standardize ? Standardizer.fit(flat, FEATURES) : null;
        float[] x = flat.clone();
        if (s != null) {
            s.transformInPlace(x);
        }
        List<String> features = IntStream.range(0, FEATURES).mapToObj(j -> "c" + j).toList();
        Dataset data;
        if (p.classes() == 0) {
            float[] y = new float[ROWS];
            for (int i = 0; i < ROWS; i++) {
                y[i] = 3 * (raw[i][0] - OFFSETS[0]) / SCALES[0] - (raw[i][1] - OFFSETS[1]) / SCALES[1] + 20;
            }
            data = Dataset.regression(x, FEATURES, y, features);
        } else {
            int[] y = new int[ROWS];
            for (int i = 0; i < ROWS; i++) {
                double score = (raw[i][0] - OFFSETS[0]) / SCALES[0] + (raw[i][3] - OFFSETS[3]) / SCALES[3];
                y[i] = Math.floorMod((int) Math.floor(score * p.classes() / 2.0), p.classes());
            }
            data = Dataset.classification(x, FEATURES, y, features, IntStream.range(0, p.classes()).mapToObj(c -> "k" + c).toList());
        }
        Module network = new Mlp(FEATURES, a.hidden(), p.objective().outputs(p.classes()), a.activation(), a.dropout())
                .build(a.dtype(), new SplittableRandom(1), new SplittableRandom(2));
        new Trainer(network, p.objective(), new Adam(network.parameters(), 0.01), new TrainingOptions(2, 32, 1, Schedule.constant()))
                .fit(data, data);
        network.eval();
        Task task = p.classes() == 0 ? Task.REGRESSION : Task.CLASSIFICATION;
        return new SavedModel(network, p.objective(), task, features, data.classNames(), s,
                Map.of("program", Map.of("name", "backprop4j test"), "seed", 1));
    }
}
