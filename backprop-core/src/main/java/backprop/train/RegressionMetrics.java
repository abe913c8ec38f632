package backprop.train;

import backprop.autograd.GradMode;
import backprop.data.Batches;
import backprop.data.Dataset;
import backprop.data.Standardizer;
import backprop.internal.Checks;
import backprop.nn.Module;
import backprop.tensor.Tensor;

/**
 * A regression model's errors on a data set, in the target's units, beside those of the
 * simplest model there is: always predicting the training targets' mean.
 *
 * @param rmse the root mean squared error
 * @param mae the mean absolute error
 * @param r2 the coefficient of determination {@code 1 - SSE / SST}, SST around these rows' own mean
 *     (1 is perfect, 0 is no better than that mean; NaN when the targets are all equal)
 * @param baselineRmse the RMSE of predicting {@code baseline} for every row
 * @param size the number of rows
 */
public record RegressionMetrics(double rmse, double mae, double r2, double baselineRmse, int size) {

    /**
     * Scores {@code model} (in evaluation mode, nothing recorded) on {@code data}, a single-target
     * regression whose targets may be standardized by {@code targetScale}; errors are measured
     * after transforming outputs and targets back into the target's units. The model's mode is
     * restored afterwards.
     *
     * @param model maps a batch of rows to one output per row
     * @param data the rows, at least one
     * @param batchSize rows per forward pass, at least 1
     * @param targetScale the standardization the targets (and so the outputs) are in, or null
     *     when they are in the target's units
     * @param baseline the value the baseline predicts, in the target's units: the training mean
     * @return the metrics
     * @throws IllegalArgumentException if {@code data} is not a regression or is empty
     */
    public static RegressionMetrics of(Module model, Dataset data, int batchSize, Standardizer targetScale, double baseline) {
        Checks.require(data.size() > 0 && data.task() == backprop.data.Task.REGRESSION,
                "RegressionMetrics.of: need regression rows; got %d %s rows", data.size(), data.task().id());
        boolean wasTraining = model.isTraining();
        model.eval();
        double[] predicted = new double[data.size()];
        double[] truth = new double[data.size()];
        try (var noGrad = GradMode.disabled()) {
            Batches batches = new Batches(data.size(), batchSize);
            int d = data.numFeatures();
            float[] x = new float[batchSize * d];
            float[] y = new float[batchSize];
            int row = 0;
            for (int b = 0; b < batches.count(); b++) {
                int n = batches.fillFeatures(data, b, x);
                batches.fillTargets(data, b, y);
                Tensor z = model.forward(Tensor.wrap(n == batchSize ? x : java.util.Arrays.copyOf(x, n * d), n, d));
                for (int i = 0; i < n; i++, row++) {
                    predicted[row] = z.getFlat(i);
                    truth[row] = y[i];
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        if (targetScale != null) {
            targetScale.inverseInPlace(predicted);
            targetScale.inverseInPlace(truth);
        }
        return of(predicted, truth, baseline);
    }

    /**
     * The metrics of {@code predicted} against {@code truth}.
     *
     * @param predicted the predictions
     * @param truth the true values, as many
     * @param baseline the baseline's constant prediction
     * @return the metrics
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static RegressionMetrics of(double[] predicted, double[] truth, double baseline) {
        Checks.require(predicted.length == truth.length && truth.length > 0,
                "RegressionMetrics.of: need as many predictions as true values, at least one; got %d and %d", predicted.length, truth.length);
        int n = truth.length;
        double mean = 0;
        for (double t : truth) {
            mean += t;
        }
        mean /= n;
        double sse = 0;
        double sae = 0;
        double sst = 0;
        double sbe = 0;
        for (int i = 0; i < n; i++) {
            double e = predicted[i] - truth[i];
            sse += e * e;
            sae += Math.abs(e);
            sst += (truth[i] - mean) * (truth[i] - mean);
            sbe += (baseline - truth[i]) * (baseline - truth[i]);
        }
        return new RegressionMetrics(Math.sqrt(sse / n), sae / n, sst == 0 ? Double.NaN : 1 - sse / sst, Math.sqrt(sbe / n), n);
    }
}
