/**
 * backprop4j's library: tensors and the autograd tape, layers, optimizers, datasets, the
 * training loop, model files and the gradient calculator, in pure Java.
 *
 * <p>The exported packages are the API; {@code backprop.internal} and {@code backprop.kernels}
 * are not. The kernels are a service: the pure-Java ones always work, and a module or jar that
 * provides {@code backprop.kernels.Kernels} (backprop-blas, on OpenBLAS) is found by
 * {@link java.util.ServiceLoader} and preferred when its natives load. The Vector API
 * ({@code jdk.incubator.vector}) is used only when the JVM was started with it
 * ({@code --add-modules jdk.incubator.vector}).
 */
@SuppressWarnings("module")   // backprop.blas, named by the qualified exports, is built after this module
module backprop.core {
    // Jackson reads and writes the JSON files (model, checkpoint, safetensors header) and is not
    // meant to appear in the API, so it is not required transitively.
    requires com.fasterxml.jackson.databind;
    requires de.siegmar.fastcsv;
    // JavaKernels asks HotSpot (com.sun.management) whether Math.fma is one instruction.
    requires jdk.management;
    // No "requires static jdk.incubator.vector": an incubator module in the graph makes every javac
    // and javadoc run warn, which fails the Javadoc build. The pom compiles against it with
    // --add-reads; at run time JavaKernels makes this module read it when the JVM has it.

    exports backprop;
    exports backprop.autograd;
    exports backprop.calc;
    exports backprop.data;
    exports backprop.io;
    exports backprop.nn;
    exports backprop.optim;
    exports backprop.tensor;
    exports backprop.train;

    // The kernels' interface is the service that backprop-blas implements, and the preconditions
    // helper is shared with it; neither is API, so only that module sees them.
    exports backprop.kernels to backprop.blas;
    exports backprop.internal to backprop.blas;

    uses backprop.kernels.Kernels;
}
