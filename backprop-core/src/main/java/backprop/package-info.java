/**
 * backprop4j: neural networks trained by backpropagation.
 *
 * <p>The packages, in the order they depend on each other:
 * <ul>
 *   <li>{@code backprop.kernels}: the numeric loops (GEMM, element-wise, reductions); threads and SIMD live here only;</li>
 *   <li>{@code backprop.tensor} and {@code backprop.autograd}: tensors and the tape that differentiates them;</li>
 *   <li>{@code backprop.nn}: modules, layers, activations and the fused losses;</li>
 *   <li>{@code backprop.optim}: optimizers and learning-rate schedules;</li>
 *   <li>{@code backprop.data}: datasets, readers (CSV, IDX), built-in data, preprocessing;</li>
 *   <li>{@code backprop.io}: model files (model.json + model.safetensors), atomic writes;</li>
 *   <li>{@code backprop.train}: the training loop, callbacks, metrics;</li>
 *   <li>{@code backprop.calc}: the gradient calculator language.</li>
 * </ul>
 * {@link backprop.InputException} is the one exception for bad user input.
 */
package backprop;
