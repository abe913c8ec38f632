/**
 * Data-parallel training on Apache Spark: {@link backprop.spark.SparkTrainer} trains any core
 * network on rows spread over Spark partitions ({@link backprop.spark.SparkData}), synchronously
 * (one optimizer step per global batch, equal to core's single-machine training over the same
 * batches) or with local steps and model averaging; {@link backprop.spark.SparkTrainCommand} is
 * the {@code spark-submit} entry point with the options and files of {@code backprop train}.
 *
 * <p>Every partition computes with core's engine; the driver holds the model and the optimizer.
 * Uses core (its {@code TrainingLoop} with this module's steps plugged in) and backprop-app (the
 * options, progress, run files and exit statuses it shares with {@code backprop train}), not the
 * backprop command's module; Spark itself is {@code provided}.
 */
package backprop.spark;
