/**
 * What the backprop command-line applications share, declared once: the picocli option mixins of
 * training ({@link backprop.app.DataArguments}, {@link backprop.app.PreparationArguments},
 * {@link backprop.app.ModelArguments}, {@link backprop.app.TrainingArguments},
 * {@link backprop.app.OutputArguments}), the progress display, the files a run writes
 * ({@link backprop.app.RunReport}: model, metrics.json, curves) and the exit statuses
 * ({@link backprop.app.ExitStatus}). {@code backprop train} (backprop-cli) and the Spark trainer
 * (backprop-spark) both build on it, so neither depends on the other.
 *
 * <p>Uses core, picocli, progressbar, XChart and Jackson; core stays free of them.
 */
package backprop.app;
