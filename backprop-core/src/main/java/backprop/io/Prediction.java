package backprop.io;

import backprop.internal.Checks;
import java.util.List;

/**
 * What a {@link Model} predicts for a batch of rows, row by row: for classification the most
 * probable class (ties to the lower index) and every class's probability; for regression the
 * value, in the target's own units (a model trained on standardized targets transforms them back). Immutable.
 */
public final class Prediction {
    private final List<String> classNames;
    private final int[] classes;             // classification: the predicted index per row
    private final double[][] probabilities;  // classification: [row][class]
    private final double[] values;           // regression: the value per row

    private Prediction(List<String> classNames, int[] classes, double[][] probabilities, double[] values) {
        this.classNames = classNames;
        this.classes = classes;
        this.probabilities = probabilities;
        this.values = values;
    }

    /** A classification's prediction; the arrays are kept, not copied. */
    static Prediction classes(List<String> classNames, int[] classes, double[][] probabilities) {
        return new Prediction(List.copyOf(classNames), classes, probabilities, null);
    }

    /** A regression's prediction; the array is kept, not copied. */
    static Prediction values(double[] values) {
        return new Prediction(List.of(), null, null, values);
    }

    /** {@return the number of rows predicted, as many as were given to {@link Model#predict}} */
    public int size() {
        return values != null ? values.length : classes.length;
    }

    /**
     * {@return true for a classification model's prediction (classes and probabilities), false for a
     * regression's (values)}
     */
    public boolean isClassification() {
        return values == null;
    }

    /**
     * {@return the model's class names in output order: index {@code c} of
     * {@link #probabilities(int)} is {@code classNames().get(c)}; unmodifiable, empty for regression}
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * The index of the most probable class of row {@code row}, into {@link #classNames()}.
     *
     * @param row 0-based, in the order the rows were given
     * @return in [0, {@code classNames().size()}); the lowest such index on a tie
     * @throws IllegalStateException for a regression's prediction
     * @throws IndexOutOfBoundsException unless 0 &lt;= row &lt; size()
     */
    public int classIndex(int row) {
        requireClassification("classIndex");
        return classes[row];
    }

    /**
     * The name of the most probable class of row {@code row}.
     *
     * @param row 0-based, in the order the rows were given
     * @return {@code classNames().get(classIndex(row))}
     * @throws IllegalStateException for a regression's prediction
     * @throws IndexOutOfBoundsException unless 0 &lt;= row &lt; size()
     */
    public String className(int row) {
        return classNames.get(classIndex(row));
    }

    /**
     * Each class's probability for row {@code row}, in {@link #classNames()} order, summing to 1
     * (softmax of the outputs for cross-entropy; {@code [1 - s, s]} with {@code s = sigmoid(z)} for
     * the two-class losses).
     *
     * @param row 0-based, in the order the rows were given
     * @return a new array of {@code classNames().size()} probabilities in [0, 1]
     * @throws IllegalStateException for a regression's prediction
     * @throws IndexOutOfBoundsException unless 0 &lt;= row &lt; size()
     */
    public double[] probabilities(int row) {
        requireClassification("probabilities");
        return probabilities[row].clone();
    }

    /**
     * The predicted class index of every row; see {@link #classIndex(int)}.
     *
     * @return a new array of {@link #size()} indices into {@link #classNames()}
     * @throws IllegalStateException for a regression's prediction
     */
    public int[] classIndices() {
        requireClassification("classIndices");
        return classes.clone();
    }

    /**
     * The predicted value of row {@code row}, in the target's units.
     *
     * @param row 0-based, in the order the rows were given
     * @return the network's single output for that row
     * @throws IllegalStateException for a classification's prediction
     * @throws IndexOutOfBoundsException unless 0 &lt;= row &lt; size()
     */
    public double value(int row) {
        requireRegression("value");
        return values[row];
    }

    /**
     * The predicted value of every row; see {@link #value(int)}.
     *
     * @return a new array of {@link #size()} values, in the target's units
     * @throws IllegalStateException for a classification's prediction
     */
    public double[] values() {
        requireRegression("values");
        return values.clone();
    }

    private void requireClassification(String what) {
        Checks.requireState(isClassification(), "Prediction.%s: a regression model predicts values; use value(row)", what);
    }

    private void requireRegression(String what) {
        Checks.requireState(!isClassification(), "Prediction.%s: a classification model predicts classes; use classIndex(row) or probabilities(row)", what);
    }
}
