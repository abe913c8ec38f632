/**
 * Data-parallel training on Apache Spark: {@link backprop.spark.SparkTrainer} trains any core
 * network on rows spread over Spark partitions ({@link backprop.spark.SparkData}), synchronously
 * (one optimizer step per global batch, equal to core's single-machine training over the same
 * batches) or with local steps and model averaging; {@link backprop.spark.SparkTrainCommand} is
 * the {@code spark-submit} entry point with the options and files of {@code backprop train}.
 *
 * <p>The driver runs core's {@code TrainingLoop}; the whole run is one barrier stage whose tasks
 * hold a replica of the model and optimizer each and sum their gradients among themselves, in a
 * ring all-reduce over direct TCP connections ({@code RingAllReduce}, moved by the task's own thread) or
 * through memory when they share a JVM ({@code LocalAllReduce}), after swapping addresses through
 * a small rendezvous on the driver, whose connections then carry the driver's commands (an epoch's
 * batches, an evaluation) and the tasks' answers ({@code StageLink}). Tasks compute with the
 * kernels {@code backprop train} uses (backprop-blas's OpenBLAS where it loads). Uses core, blas
 * and backprop-app (the options, progress, run files and exit statuses it shares with
 * {@code backprop train}), not the backprop command's module; Spark itself is {@code provided}.
 */
package backprop.spark;
