package backprop.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.autograd.GradMode;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.nn.Linear;
import backprop.nn.Sequential;
import backprop.nn.Tanh;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import backprop.train.Objective;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
    @TempDir
    Path dir;

    static double[][] raw(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] rows = new double[n][4];
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rng.nextDouble(-3, 3);
            }
        }
        return rows;
    }

    @Test
    void predictsWhatTheInMemoryNetworkComputesBitForBit() {
        Sequential net = ModelFileTest.handBuilt(DType.FLOAT32);
        net.eval();
        ModelFile.save(dir, SavedModel.of(net, Objective.CROSS_ENTROPY, ModelFileTest.FEATURES, ModelFileTest.CLASSES));
        double[][] rows = raw(1500, 3);   // more than one batch
        Prediction p = Model.load(dir).predict(rows);

        float[][] asFloats = new float[rows.length][4];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < 4; j++) {
                asFloats[i][j] = (float) rows[i][j];
            }
        }
        Tensor z;
        try (var noGrad = GradMode.disabled()) {
            z = net.forward(Tensor.of(asFloats));
        }
        double[] expected = z.softmax().toDoubleArray();
        int[] classes = z.argmax(1).toIntArray();
        assertThat(p.size()).isEqualTo(rows.length);
        for (int i = 0; i < rows.length; i++) {
            assertThat(p.probabilities(i)).containsExactly(expected[3 * i], expected[3 * i + 1], expected[3 * i + 2]);
            assertThat(p.classIndex(i)).isEqualTo(classes[i]);
            assertThat(p.className(i)).isEqualTo(ModelFileTest.CLASSES.get(classes[i]));
        }
        assertThat(p.classNames()).isEqualTo(ModelFileTest.CLASSES);
    }

    @Test
    void appliesTheStandardizationAndGivesRegressionValuesInTheTargetsUnits() {
        Linear line = new Linear(2, 1);
        Standardizer std = Standardizer.of(new float[] {10, -4}, new float[] {2, 0.5f});
        Model model = Model.of(new SavedModel(line, Objective.MSE, Task.REGRESSION, List.of("u", "v"), List.of(), std, Map.of()));
        Prediction p = model.predict(new double[][] {{12, -3}, {10, -4}});
        Tensor expected;
        try (var noGrad = GradMode.disabled()) {
            expected = line.forward(Tensor.of(new float[][] {{1, 2}, {0, 0}}));   // (x - mean) / std
        }
        assertThat(p.isClassification()).isFalse();
        assertThat(p.values()).containsExactly(expected.toDoubleArray());
        assertThatThrownBy(() -> p.classIndex(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("Prediction.classIndex: a regression model predicts values; use value(row)");
    }

    @Test
    void aModelTrainedOnStandardizedTargetsPredictsInTheTargetsUnitsAndSavesAsFormat3() throws java.io.IOException {
        Linear line = new Linear(2, 1);
        Standardizer target = Standardizer.of(new float[] {100}, new float[] {20});
        backprop.data.Columns columns = backprop.data.Columns.of("price", "id", List.of(
                backprop.data.Columns.Column.numeric("u"),
                new backprop.data.Columns.Column("colour", backprop.data.Columns.Kind.CATEGORICAL, List.of("red", ""), null)));
        SavedModel saved = new SavedModel(new backprop.nn.Sequential(new Linear(3, 1)), Objective.MSE, Task.REGRESSION,
                columns.featureNames(), List.of(), null, Map.of(), columns, target);
        Tensor z;
        double[][] rows = {{1, 0, 1}, {-2, 1, 0}};
        try (var noGrad = GradMode.disabled()) {
            z = saved.network().forward(Tensor.of(rows).to(backprop.tensor.DType.FLOAT32));
        }
        Prediction p = Model.of(saved).predict(rows);
        assertThat(p.value(0)).isEqualTo(z.getFlat(0) * 20.0 + 100);
        assertThat(p.value(1)).isEqualTo(z.getFlat(1) * 20.0 + 100);

        java.nio.file.Path folder = java.nio.file.Files.createTempDirectory("model");
        ModelFile.save(folder, saved);
        assertThat(java.nio.file.Files.readString(folder.resolve(ModelFile.JSON))).contains("\"format_version\" : 3");
        Model loaded = Model.load(folder);
        assertThat(loaded.columns()).isEqualTo(columns);
        assertThat(loaded.predict(rows).values()).containsExactly(p.values());
        assertThat(loaded.features()).containsExactly("u", "colour=red", "colour=(missing)");

        // a model a version-2 reader reads alike is still written as version 2
        ModelFile.save(folder, new SavedModel(line, Objective.MSE, Task.REGRESSION, List.of("u", "v"), List.of(), null, Map.of(),
                backprop.data.Columns.of("y", "id", List.of(backprop.data.Columns.Column.numeric("u"), backprop.data.Columns.Column.numeric("v"))), null));
        assertThat(java.nio.file.Files.readString(folder.resolve(ModelFile.JSON))).contains("\"format_version\" : 2");
        assertThat(Model.load(folder).columns().id()).isEqualTo("id");
    }

    @Test
    void ownsItsNetwork() {
        Sequential net = new Sequential(new Linear(4, 3), new Tanh());
        Model model = Model.of(SavedModel.of(net, Objective.CROSS_ENTROPY, ModelFileTest.FEATURES, ModelFileTest.CLASSES));
        double[] before = model.predict(raw(5, 1)).probabilities(4);
        try (var noGrad = GradMode.disabled()) {
            net.get(0, Linear.class).weight().copyFrom(Tensor.zeros(DType.FLOAT32, 3, 4));
        }
        net.train();
        assertThat(model.predict(raw(5, 1)).probabilities(4)).isEqualTo(before);
    }

    @Test
    void refusesRowsOfTheWrongWidth() {
        Model model = Model.of(SavedModel.of(new Linear(4, 3), Objective.CROSS_ENTROPY, ModelFileTest.FEATURES, ModelFileTest.CLASSES));
        assertThatThrownBy(() -> model.predict(new double[][] {{1, 2, 3, 4}, {1, 2, 3}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Model.predict: row 1 must hold 4 values, one per feature (a, b, c, d); got 3 values");
        assertThatThrownBy(() -> model.predict(new float[][] {null})).hasMessageEndingWith("got null");
        assertThat(model.predict(new double[0][]).size()).isZero();
    }

    @Test
    void predictsTheSameFromSeveralThreadsAtOnce() throws Exception {
        Sequential net = ModelFileTest.handBuilt(DType.FLOAT32);
        ModelFile.save(dir, SavedModel.of(net, Objective.CROSS_ENTROPY, ModelFileTest.FEATURES, ModelFileTest.CLASSES));
        Model model = Model.load(dir);
        int threads = 8;
        List<double[][]> inputs = new ArrayList<>();
        List<Prediction> alone = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            inputs.add(raw(300 + 97 * t, t));
            alone.add(model.predict(inputs.get(t)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<Prediction>>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                double[][] rows = inputs.get(t);
                work.add(() -> {
                    List<Prediction> ps = new ArrayList<>();
                    for (int k = 0; k < 20; k++) {
                        ps.add(model.predict(rows));
                    }
                    return ps;
                });
            }
            List<Future<List<Prediction>>> results = pool.invokeAll(work);
            for (int t = 0; t < threads; t++) {
                Prediction expected = alone.get(t);
                for (Prediction p : results.get(t).get()) {
                    assertThat(p.classIndices()).isEqualTo(expected.classIndices());
                    for (int i = 0; i < p.size(); i++) {
                        assertThat(p.probabilities(i)).isEqualTo(expected.probabilities(i));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
