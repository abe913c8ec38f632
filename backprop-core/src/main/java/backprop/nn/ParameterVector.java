package backprop.nn;

import backprop.autograd.GradMode;
import backprop.internal.Checks;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.List;

/**
 * A list of float32 parameters seen as one flat vector, in list order, each parameter's values
 * row-major: the form in which weights and gradients travel between machines (backprop-spark
 * broadcasts the weights and adds up the gradients of many workers this way).
 */
public final class ParameterVector {
    private ParameterVector() {}

    /**
     * {@return the total number of values, the parameters' sizes summed}
     *
     * @param parameters float32 parameters
     * @throws IllegalArgumentException for a parameter that is not float32, or more values than one
     *     array holds
     */
    public static int size(List<Parameter> parameters) {
        long n = 0;
        for (Parameter p : parameters) {
            Checks.require(p.dtype() == DType.FLOAT32, "ParameterVector: parameters must be float32; got %s", p.dtype());
            n += p.size();
        }
        Checks.require(n <= Integer.MAX_VALUE, "ParameterVector: at most %d values fit one array; got %d", Integer.MAX_VALUE, n);
        return (int) n;
    }

    /**
     * {@return a new array of the parameters' values, {@link #size} long}
     *
     * @param parameters float32 parameters
     * @throws IllegalArgumentException as {@link #size}
     */
    public static float[] values(List<Parameter> parameters) {
        float[] out = new float[size(parameters)];
        int at = 0;
        for (Parameter p : parameters) {
            System.arraycopy(p.floatData(), 0, out, at, p.size());
            at += p.size();
        }
        return out;
    }

    /**
     * Overwrites the parameters' values with {@code values}, in place (no gradient is recorded).
     *
     * @param parameters float32 parameters; their gradients and optimizer state are kept
     * @param values {@link #size} values, in the order {@link #values} gives them; not kept
     * @throws IllegalArgumentException as {@link #size}, or for a vector of another length
     */
    public static void setValues(List<Parameter> parameters, float[] values) {
        checkLength(parameters, values);
        try (var noGrad = GradMode.disabled()) {
            int at = 0;
            for (Parameter p : parameters) {
                System.arraycopy(values, at, p.floatData(), 0, p.size());
                at += p.size();
            }
        }
    }

    /**
     * {@return a new array of the parameters' gradients, {@link #size} long; zeros for a parameter
     * that has none}
     *
     * @param parameters float32 parameters
     * @throws IllegalArgumentException as {@link #size}
     */
    public static float[] gradients(List<Parameter> parameters) {
        float[] out = new float[size(parameters)];
        int at = 0;
        for (Parameter p : parameters) {
            if (p.grad() != null) {
                System.arraycopy(p.grad().toFloatArray(), 0, out, at, p.size());
            }
            at += p.size();
        }
        return out;
    }

    /**
     * Replaces the parameters' gradients with slices of {@code gradients}, as if a backward pass
     * had produced them, so that {@code optimizer.step()} applies a gradient computed elsewhere.
     *
     * @param parameters float32 parameters
     * @param gradients {@link #size} values, in the order {@link #gradients} gives them; copied
     * @throws IllegalArgumentException as {@link #size}, or for a vector of another length
     */
    public static void setGradients(List<Parameter> parameters, float[] gradients) {
        checkLength(parameters, gradients);
        int at = 0;
        for (Parameter p : parameters) {
            p.setGrad(Tensor.wrap(java.util.Arrays.copyOfRange(gradients, at, at + p.size()), p.shape()).to(p.dtype()));
            at += p.size();
        }
    }

    private static void checkLength(List<Parameter> parameters, float[] vector) {
        int n = size(parameters);
        Checks.require(vector.length == n, "ParameterVector: the parameters hold %d values; got a vector of %d", n, vector.length);
    }
}
