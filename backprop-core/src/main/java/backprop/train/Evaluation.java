package backprop.train;

import backprop.autograd.GradMode;
import backprop.data.Batches;
import backprop.data.Dataset;
import backprop.nn.Module;
import backprop.tensor.Tensor;

/**
 * A model's numbers on a dataset: mean loss, and for classification the accuracy, the confusion
 * matrix (rows: true class, columns: predicted) with per-class precision and recall; for
 * regression the RMSE.
 *
 * @param loss the objective's mean loss over the rows
 * @param accuracy the share of rows classified correctly; NaN for regression
 * @param confusion {@code confusion[true][predicted]} row counts; empty for regression
 * @param rmse the root mean squared error; NaN for classification
 * @param size the number of rows scored
 */
public record Evaluation(double loss, double accuracy, int[][] confusion, double rmse, int size) {

    /**
     * Scores {@code model} (in evaluation mode, nothing recorded) on {@code data}, in batches.
     * The model's training mode is restored afterwards.
     *
     * @param model maps a batch of rows to outputs as the objective expects them
     * @param objective the loss, and how outputs become classes
     * @param data the rows to score, at least one
     * @param batchSize rows per forward pass, at least 1
     * @return the scores
     */
    public static Evaluation of(Module model, Objective objective, Dataset data, int batchSize) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try (var noGrad = GradMode.disabled()) {
            Batches batches = new Batches(data.size(), batchSize);
            float[] x = new float[batchSize * data.numFeatures()];
            int[] labels = new int[batchSize];
            float[] targets = new float[batchSize];
            int[] predicted = new int[batchSize];
            int classes = objective.isClassification() ? data.numClasses() : 0;
            int[][] confusion = new int[classes][classes];
            double lossSum = 0;
            double squaredError = 0;
            for (int b = 0; b < batches.count(); b++) {
                int n = batches.fillFeatures(data, b, x);
                if (objective.isClassification()) {
                    batches.fillLabels(data, b, labels);
                } else {
                    batches.fillTargets(data, b, targets);
                }
                Tensor z = model.forward(Tensor.wrap(n == batchSize ? x : java.util.Arrays.copyOf(x, n * data.numFeatures()),
                        n, data.numFeatures()));
                lossSum += objective.loss(z, labels, targets, n).item() * n;
                if (objective.isClassification()) {
                    objective.classify(z, predicted);
                    for (int i = 0; i < n; i++) {
                        confusion[labels[i]][predicted[i]]++;
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        double e = z.getFlat(i) - targets[i];
                        squaredError += e * e;
                    }
                }
            }
            int correct = 0;
            for (int c = 0; c < classes; c++) {
                correct += confusion[c][c];
            }
            int size = data.size();
            return objective.isClassification()
                    ? new Evaluation(lossSum / size, (double) correct / size, confusion, Double.NaN, size)
                    : new Evaluation(lossSum / size, Double.NaN, confusion, Math.sqrt(squaredError / size), size);
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
    }

    /**
     * {@return of the rows predicted as class {@code c}, the share that are {@code c}} NaN when
     * none was predicted {@code c}.
     *
     * @param c a class index, in {@code 0..confusion().length-1}
     */
    public double precision(int c) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? Double.NaN : (double) confusion[c][c] / predicted;
    }

    /**
     * {@return of the rows of class {@code c}, the share predicted as {@code c}} NaN when there
     * are none.
     *
     * @param c a class index, in {@code 0..confusion().length-1}
     */

    public double recall(int c) {
        int actual = 0;
        for (int count : confusion[c]) {
            actual += count;
        }
        return actual == 0 ? Double.NaN : (double) confusion[c][c] / actual;
    }

    /**
     * {@return the mean of the classes' recalls, over the classes with rows} Unlike accuracy, each
     * class counts alike however many rows it has (scikit-learn's {@code balanced_accuracy_score});
     * NaN for regression.
     */
    public double balancedAccuracy() {
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < confusion.length; c++) {
            double r = recall(c);
            if (!Double.isNaN(r)) {
                sum += r;
                classes++;
            }
        }
        return classes == 0 ? Double.NaN : sum / classes;
    }

    /**
     * {@return the mean of the classes' F1 scores {@code 2 p r / (p + r)}, over the classes that
     * have rows or were predicted} A class with no correct prediction scores 0, as in
     * scikit-learn's {@code f1_score(average="macro")}; NaN for regression.
     */
    public double macroF1() {
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < confusion.length; c++) {
            double p = precision(c);
            double r = recall(c);
            if (Double.isNaN(p) && Double.isNaN(r)) {
                continue;
            }
            classes++;
            sum += confusion[c][c] == 0 ? 0 : 2 * p * r / (p + r);
        }
        return classes == 0 ? Double.NaN : sum / classes;
    }
}
