/**
 * The training loop ({@link backprop.train.Trainer}), what outputs mean
 * ({@link backprop.train.Objective}), listeners (progress, early stopping, checkpoints),
 * per-epoch metrics and evaluation. Uses nn, optim, data and tensor.
 */
package backprop.train;
