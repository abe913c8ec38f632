package backprop.train;

import backprop.data.Task;
import backprop.internal.Checks;
import backprop.nn.Loss;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.Locale;

/**
 * What the network's outputs mean and how they are scored: the loss a batch is trained on and
 * the way outputs become class probabilities or values.
 */
public enum Objective {
    /** Softmax cross-entropy on one logit per class. */
    CROSS_ENTROPY("cross-entropy"),
    /** Sigmoid binary cross-entropy on one logit, labels 0 and 1. */
    BCE("bce"),
    /** log(1 + exp(-y f)) on one output f, labels y in {-1, 1} (class 0 is -1). */
    LOGISTIC("logistic"),
    /** Mean squared error on one output value: regression. */
    MSE("mse");

    private final String id;

    Objective(String id) {
        this.id = id;
    }

    /** {@return the name the command line and model.json use, such as {@code cross-entropy}} */
    public String id() {
        return id;
    }

    /**
     * {@return the objective {@link #id() named} {@code id}, in any case}
     *
     * @param id {@code cross-entropy}, {@code bce}, {@code logistic} or {@code mse}
     * @throws IllegalArgumentException for any other name ({@code auto} is {@link #auto})
     */
    public static Objective of(String id) {
        for (Objective o : values()) {
            if (o.id.equals(id.toLowerCase(Locale.ROOT))) {
                return o;
            }
        }
        throw new IllegalArgumentException("loss must be one of auto, cross-entropy, bce, logistic, mse; got '" + backprop.InputException.clip(id) + "'");
    }

    /**
     * {@return what {@code auto} means: softmax cross-entropy for several classes, sigmoid BCE for
     * two, MSE for regression}
     *
     * @param task the data's task
     * @param classes the data's number of classes (ignored for regression)
     */
    public static Objective auto(Task task, int classes) {
        if (task == Task.REGRESSION) {
            return MSE;
        }
        return classes == 2 ? BCE : CROSS_ENTROPY;
    }

    /** {@return whether the outputs are scored as classes (every objective but MSE)} */
    public boolean isClassification() {
        return this != MSE;
    }

    /**
     * Checks that this objective fits the data; the message says what to choose instead.
     *
     * @param task the data's task
     * @param classes the data's number of classes
     * @throws IllegalArgumentException if MSE meets classes, a classification loss meets a numeric
     *     target, or BCE or logistic meets other than two classes
     */
    public void checkFits(Task task, int classes) {
        if (this == MSE) {
            Checks.require(task == Task.REGRESSION, "loss mse is for regression; this data has %d classes (use cross-entropy)", classes);
            return;
        }
        Checks.require(task == Task.CLASSIFICATION, "loss %s is for classification; this data has a numeric target (use mse)", id);
        Checks.require(this == CROSS_ENTROPY || classes == 2,
                "loss %s needs exactly two classes; this data has %d (use cross-entropy)", id, classes);
    }

    /**
     * {@return the width of the network's last layer: {@code classes} for cross-entropy, else 1}
     *
     * @param classes the data's number of classes
     */
    public int outputs(int classes) {
        return this == CROSS_ENTROPY ? classes : 1;
    }

    /**
     * The batch-mean loss of outputs {@code z} {@code [n, outputs]} against the batch's labels or
     * targets; recorded for backpropagation when gradients are on.
     *
     * @param z the network's outputs for the batch
     * @param labels class indices, for classification (the first {@code n} are used)
     * @param targets values, for regression (the first {@code n} are used)
     * @param n the batch's row count
     * @return a scalar in {@code z}'s dtype
     */
    public Tensor loss(Tensor z, int[] labels, float[] targets, int n) {
        return switch (this) {
            case CROSS_ENTROPY -> Loss.crossEntropy(z, labels.length == n ? labels : java.util.Arrays.copyOf(labels, n));
            case BCE -> Loss.bceWithLogits(z, column(z.dtype(), n, i -> labels[i]));
            case LOGISTIC -> Loss.logistic(z, column(z.dtype(), n, i -> 2 * labels[i] - 1));
            case MSE -> Loss.mse(z, column(z.dtype(), n, i -> targets[i]));
        };
    }

    /**
     * As {@link #loss(Tensor, int[], float[], int)}, each row's loss weighted by its class's
     * weight: {@code mean_i(w[label_i] * loss_i)}. Weights that average 1 over the training rows
     * (as {@link #balancedWeights} gives) keep the loss on the unweighted scale.
     *
     * @param z the network's outputs for the batch
     * @param labels class indices (the first {@code n} are used)
     * @param targets values, for regression; unweighted
     * @param n the batch's row count
     * @param classWeights one weight per class, or null for none
     * @return a scalar in {@code z}'s dtype
     */
    public Tensor loss(Tensor z, int[] labels, float[] targets, int n, float[] classWeights) {
        if (classWeights == null || this == MSE) {
            return loss(z, labels, targets, n);
        }
        Tensor perRow = switch (this) {
            case CROSS_ENTROPY -> Loss.crossEntropy(z, labels.length == n ? labels : java.util.Arrays.copyOf(labels, n), backprop.nn.Reduction.NONE);
            case BCE -> Loss.bceWithLogits(z, column(z.dtype(), n, i -> labels[i]), backprop.nn.Reduction.NONE);
            case LOGISTIC -> Loss.logistic(z, column(z.dtype(), n, i -> 2 * labels[i] - 1), backprop.nn.Reduction.NONE);
            case MSE -> throw new AssertionError("handled above");
        };
        return perRow.reshape(n).mul(column(z.dtype(), n, i -> classWeights[labels[i]]).reshape(n)).mean();
    }

    /**
     * {@return scikit-learn's "balanced" class weights, {@code n / (k * count_c)} for {@code n}
     * rows of {@code k} classes (0 for a class without rows), which average 1 over the rows}
     *
     * @param classCounts the rows of each class
     */
    public static float[] balancedWeights(int[] classCounts) {
        long n = 0;
        for (int c : classCounts) {
            n += c;
        }
        float[] w = new float[classCounts.length];
        for (int c = 0; c < w.length; c++) {
            w[c] = classCounts[c] == 0 ? 0f : (float) ((double) n / ((double) classCounts.length * classCounts[c]));
        }
        return w;
    }

    /**
     * {@return class probabilities, one row of {@code classes} per row of {@code z}}
     *
     * @param z outputs {@code [n, outputs]}
     * @throws IllegalArgumentException for MSE, which predicts values
     */
    public double[][] probabilities(Tensor z) {
        int n = z.dim(0);
        double[] values = z.toDoubleArray();
        if (this == CROSS_ENTROPY) {
            double[] p = z.softmax().toDoubleArray();
            int k = z.dim(1);
            double[][] rows = new double[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k);
            }
            return rows;
        }
        Checks.require(this != MSE, "probabilities: a regression model predicts values, not classes");
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            double p1 = Tensor.scalar(values[i]).sigmoid().item();
            rows[i] = new double[] {1 - p1, p1};
        }
        return rows;
    }

    /**
     * Writes the predicted class of each row: the most probable one (ties to the lower index).
     *
     * @param z outputs {@code [n, outputs]}
     * @param out at least {@code n} long; the first {@code n} entries are overwritten
     */

    public void classify(Tensor z, int[] out) {
        int n = z.dim(0);
        if (this == CROSS_ENTROPY) {
            int k = z.dim(1);
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (z.getFlat(i * k + j) > z.getFlat(i * k + best)) {
                        best = j;
                    }
                }
                out[i] = best;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = z.getFlat(i) > 0 ? 1 : 0;   // sigmoid(z) > 1/2
            }
        }
    }

    private interface Value {
        double at(int i);
    }

    private static Tensor column(DType dtype, int n, Value value) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = value.at(i);
        }
        return Tensor.of(dtype, v, n, 1);
    }
}
