/**
 * Neural-network building blocks: modules, layers, activations, initializers and the losses,
 * the fused ones with their closed-form gradients; {@link backprop.nn.LayerSpec}, every module's
 * configuration as plain values, which model files record. Uses {@code backprop.tensor} and {@code backprop.autograd}.
 */
package backprop.nn;
