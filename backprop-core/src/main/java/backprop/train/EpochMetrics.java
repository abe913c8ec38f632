package backprop.train;

/**
 * One epoch's numbers. Training loss and accuracy are running averages over the epoch's batches
 * (in training mode); test numbers are measured after the epoch in evaluation mode, and are NaN
 * when there is no test set. Accuracies are NaN for regression, RMSE for classification.
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double testLoss, double testAccuracy,
                           double testRmse, double seconds, double stepSeconds, long samples) {
}
