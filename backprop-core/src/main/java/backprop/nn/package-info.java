/**
 * Neural-network building blocks: modules, layers, activations, initializers and the losses,
 * the fused ones with their closed-form gradients. Uses {@code backprop.tensor} and {@code backprop.autograd}.
 */
package backprop.nn;
