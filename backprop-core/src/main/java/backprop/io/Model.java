package backprop.io;

import backprop.autograd.GradMode;
import backprop.data.Columns;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.internal.Checks;
import backprop.nn.Init;
import backprop.nn.LayerSpec;
import backprop.nn.Module;
import backprop.tensor.Tensor;
import backprop.train.Objective;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A trained model for applications: rows of raw feature values in, classes and probabilities (or
 * values) out, with the saved preprocessing applied.
 * <pre>{@code
 * Model model = Model.load(Path.of("runs/iris"));
 * Prediction p = model.predict(new double[][] {{5.1, 3.5, 1.4, 0.2}});
 * String species = p.className(0);
 * }</pre>
 *
 * <p>Immutable and safe to use from several threads at once: it owns its network (a copy, never
 * in training mode, reachable from nowhere else), and a prediction only reads it, recording
 * nothing ({@link GradMode} is per thread).
 *
 * <p>It computes what {@code backprop predict} prints, to the last bit: inputs are rounded to
 * float32 (the precision training data are kept in) and standardized in float32, and the network
 * runs in its own dtype. Rows are feature values after the column layout ({@link #columns()}):
 * a table's cells are encoded by {@link backprop.data.CsvReader#readInputs}. A regression model
 * trained on standardized targets gives its values back in the target's units.
 */
public final class Model {
    /** Rows per forward pass: bounds the memory of one pass; a row's result does not depend on the batch. */
    private static final int BATCH = 1024;

    private final SavedModel saved;

    private Model(SavedModel saved) {
        this.saved = saved;
    }

    /**
     * The model in {@code folder}, as {@link ModelFile#load} reads it.
     *
     * @param folder a folder holding {@code model.json} and {@code model.safetensors}, of any
     *     format version up to {@link ModelFile#FORMAT_VERSION}
     * @return a model whose network nothing else holds
     * @throws backprop.InputException for any problem with the folder or its files
     */
    public static Model load(Path folder) {
        return new Model(ModelFile.load(folder));   // a network nothing else holds
    }

    /**
     * A model for the network and description of {@code model}, with its own copy of the network
     * (weights bit for bit), so that training the original further does not change it.
     *
     * @param model a network and its description, as {@link ModelFile#save} takes them; not
     *     modified (its network keeps its mode)
     * @return a model of the copy, in evaluation mode, with {@code model}'s objective, task,
     *     columns, classes, standardizer and provenance
     * @throws IllegalArgumentException if the network holds a module {@link LayerSpec} cannot describe
     *     or parameters of several dtypes
     */
    public static Model of(SavedModel model) {
        Module original = model.network();
        // The initial values are overwritten at once: any generator will do.
        Module copy = LayerSpec.of(original).build(ModelFile.dtypeOf(original), Init.PYTORCH, new SplittableRandom(0), new SplittableRandom(0));
        copy.loadStateDict(original.stateDict());
        copy.eval();
        return new Model(new SavedModel(copy, model.objective(), model.task(), model.features(), model.classes(),
                model.standardizer(), model.provenance(), model.columns(), model.targetStandardizer()));
    }

    /** {@return the input columns by name, in the order each row of {@link #predict} lists their values: unmodifiable} */
    public List<String> features() {
        return saved.features();
    }

    /** {@return the class names in output order, as {@link Prediction#classNames()}: unmodifiable; empty for regression} */
    public List<String> classes() {
        return saved.classes();
    }

    /** {@return classification or regression, as model.json's {@code task} field says} */
    public Task task() {
        return saved.task();
    }

    /** {@return the loss the model was trained with, which fixes how outputs become probabilities} */
    public Objective objective() {
        return saved.objective();
    }

    /**
     * {@return the saved standardization {@code (x - mean) / std} applied to every row before the
     * network, per column; null when there is none}
     */
    public Standardizer standardizer() {
        return saved.standardizer();
    }

    /**
     * {@return how a table's columns become the features ({@link #features()}, in order): the
     * model's saved layout, or numeric columns named as the features for a model without one}
     */
    public Columns columns() {
        return saved.layout();
    }

    /**
     * {@return where the model came from (program, configuration, data, metrics), as JSON values: an
     * unmodifiable map, empty when none was saved; see {@link SavedModel#provenance()}}
     */
    public Map<String, Object> provenance() {
        return saved.provenance();
    }

    /**
     * The prediction for each row of raw feature values, in {@link #features()} order. Values are
     * rounded to float32 first; NaN or infinite inputs give NaN outputs, not an exception.
     *
     * @param rows {@code n} rows (possibly none) of {@code features().size()} values each; not
     *     modified
     * @return the {@code n} rows' classes and probabilities, or values for regression
     * @throws IllegalArgumentException if a row is null or does not have {@code features().size()} values
     */
    public Prediction predict(double[][] rows) {
        int d = features().size();
        float[] x = new float[Math.multiplyExact(rows.length, d)];
        for (int i = 0; i < rows.length; i++) {
            checkRow(rows, i, rows[i] == null ? -1 : rows[i].length);
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) rows[i][j];
            }
        }
        return predictFlat(x, rows.length);
    }

    /**
     * As {@link #predict(double[][])}, for values already in float32.
     *
     * @param rows {@code n} rows (possibly none) of {@code features().size()} values each; not
     *     modified
     * @return the {@code n} rows' classes and probabilities, or values for regression
     * @throws IllegalArgumentException if a row is null or does not have {@code features().size()} values
     */
    public Prediction predict(float[][] rows) {
        int d = features().size();
        float[] x = new float[Math.multiplyExact(rows.length, d)];
        for (int i = 0; i < rows.length; i++) {
            checkRow(rows, i, rows[i] == null ? -1 : rows[i].length);
            System.arraycopy(rows[i], 0, x, i * d, d);
        }
        return predictFlat(x, rows.length);
    }

    private void checkRow(Object[] rows, int i, int length) {
        Checks.require(length == features().size(), "Model.predict: row %d must hold %d values, one per feature (%s); got %s",
                i, features().size(), String.join(", ", features()), length < 0 ? "null" : length + " values");
    }

    /** The prediction for {@code n} rows of raw values {@code x} ({@code n x features} row-major), which it standardizes in place. */
    private Prediction predictFlat(float[] x, int n) {
        int d = features().size();
        if (standardizer() != null) {
            standardizer().transformInPlace(x);
        }
        Objective objective = objective();
        boolean classification = objective.isClassification();
        int[] predicted = new int[n];
        double[][] probabilities = new double[n][];
        double[] values = new double[n];
        int[] batchClasses = new int[BATCH];
        try (var noGrad = GradMode.disabled()) {
            for (int from = 0; from < n; from += BATCH) {
                int rows = Math.min(BATCH, n - from);
                Tensor z = saved.network().forward(Tensor.wrap(Arrays.copyOfRange(x, from * d, (from + rows) * d), rows, d));
                if (classification) {
                    double[][] p = objective.probabilities(z);
                    objective.classify(z, batchClasses);
                    System.arraycopy(p, 0, probabilities, from, rows);
                    System.arraycopy(batchClasses, 0, predicted, from, rows);
                } else {
                    for (int i = 0; i < rows; i++) {
                        values[from + i] = z.getFlat(i);
                    }
                }
            }
        }
        if (!classification && saved.targetStandardizer() != null) {
            saved.targetStandardizer().inverseInPlace(values);
        }
        return classification ? Prediction.classes(classes(), predicted, probabilities) : Prediction.values(values);
    }
}
