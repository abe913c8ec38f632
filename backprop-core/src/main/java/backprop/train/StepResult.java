package backprop.train;

/**
 * What a {@link TrainingStep} reports of the batches it learned from.
 *
 * @param loss the mean loss over the rows, before the update
 * @param correct the rows predicted right, for classification (0 for regression)
 * @param rows the rows of the batches
 */
public record StepResult(double loss, long correct, int rows) {
}
