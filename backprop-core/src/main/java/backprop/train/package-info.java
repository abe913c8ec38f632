/**
 * The training loop ({@link backprop.train.TrainingLoop}: epochs, shuffling, schedule, listeners,
 * divergence checks, metrics) with the step plugged in ({@link backprop.train.TrainingStep};
 * {@link backprop.train.Trainer} is the loop with the single-machine step), what outputs mean
 * ({@link backprop.train.Objective}), listeners (progress, early stopping, checkpoints),
 * per-epoch metrics and evaluation. Uses nn, optim, data and tensor.
 */
package backprop.train;
