/**
 * Optimizers ({@link backprop.optim.Sgd} with momentum, Nesterov and weight decay;
 * {@link backprop.optim.Adam} and AdamW) and learning-rate schedules. Optimizers own all their
 * state. Uses {@code backprop.tensor} and {@code backprop.autograd}.
 */
package backprop.optim;
