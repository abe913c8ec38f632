package backprop.optim;

import backprop.internal.Checks;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent, PyTorch's formulation: with weight decay λ the gradient is
 * {@code g + λw}; with momentum μ the step follows {@code b <- μ b + g} (b = g at the first step),
 * or {@code g + μ b} for Nesterov; then {@code w <- w - lr * step}. With batch size 1, no momentum
 * and the logistic loss on logits this is exactly the exercise's {@code w <- w + η x (y - h(x))}.
 */
public final class Sgd extends Optimizer {

    /**
     * What SGD takes besides the learning rate.
     *
     * @param momentum μ in [0, 1); 0 for plain SGD
     * @param nesterov Nesterov's form of momentum (needs momentum &gt; 0)
     * @param weightDecay λ &gt;= 0, the L2 term added to the gradient
     */
    public record Options(double momentum, boolean nesterov, double weightDecay) {
        /** Plain SGD: no momentum, no weight decay, as PyTorch's defaults. */
        public static final Options DEFAULTS = new Options(0, false, 0);

        /**
         * Checks the ranges above.
         *
         * @param momentum in [0, 1)
         * @param nesterov true only with momentum &gt; 0
         * @param weightDecay &gt;= 0
         * @throws IllegalArgumentException for a value out of its range
         */
        public Options {
            Checks.require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1); got %s", momentum);
            Checks.require(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0; got %s", momentum);
            Checks.require(weightDecay >= 0, "weight decay must be >= 0; got %s", weightDecay);
        }

        /**
         * These options with momentum μ, Nesterov's or not.
         *
         * @param value μ in [0, 1)
         * @param nesterovValue true for Nesterov's form, which needs μ &gt; 0
         * @return new options; these are unchanged
         * @throws IllegalArgumentException for a value out of its range
         */
        public Options withMomentum(double value, boolean nesterovValue) {
            return new Options(value, nesterovValue, weightDecay);
        }

        /**
         * These options with weight decay λ.
         *
         * @param value λ &gt;= 0
         * @return new options; these are unchanged
         * @throws IllegalArgumentException for a negative value
         */
        public Options withWeightDecay(double value) {
            return new Options(momentum, nesterov, value);
        }
    }

    private final Options options;
    private final Object[] buffers;   // momentum per parameter, float[] or double[] as the parameter; null until its first step

    /**
     * Plain SGD at learning rate {@code lr}, as {@code torch.optim.SGD(params, lr)}.
     *
     * @param parameters what to train, none twice, in the order that keys the optimizer's state
     * @param lr the learning rate, finite and &gt; 0
     * @throws IllegalArgumentException for no parameters, one given twice, or a bad rate
     */
    public Sgd(List<Parameter> parameters, double lr) {
        this(parameters, lr, Options.DEFAULTS);
    }

    /**
     * SGD at learning rate {@code lr} with momentum or weight decay.
     *
     * @param parameters what to train, none twice, in the order that keys the optimizer's state
     * @param lr the learning rate, finite and &gt; 0
     * @param options the momentum and the weight decay
     * @throws IllegalArgumentException for no parameters, one given twice, or a bad rate
     */
    public Sgd(List<Parameter> parameters, double lr, Options options) {
        this(oneGroup(parameters, lr), options);
    }

    /**
     * SGD over parameter groups, each at its own learning rate.
     *
     * @param groups the parameters with their rates; no parameter in two groups
     * @param options the momentum and the weight decay, shared by every group
     * @throws IllegalArgumentException for no parameters, or one given twice
     */
    public Sgd(List<ParamGroup> groups, Options options) {
        super(groups);
        this.options = options;
        this.buffers = new Object[parameters().size()];
    }

    /** {@return the options other than the learning rate} */
    public Options options() {
        return options;
    }

    @Override
    protected void update(int index, Parameter p, Tensor grad, double lr) {
        double decay = options.weightDecay();
        double mu = options.momentum();
        boolean first = buffers[index] == null;
        boolean nesterov = options.nesterov();
        if (p.dtype() == DType.FLOAT32) {
            float[] w = p.floatData();
            float[] g = grad.floatData();
            if (mu > 0 && first) {
                buffers[index] = new float[w.length];
            }
            float[] b = (float[]) buffers[index];
            float flr = (float) lr, fdecay = (float) decay, fmu = (float) mu;
            for (int i = 0; i < w.length; i++) {
                float gi = decay == 0 ? g[i] : g[i] + fdecay * w[i];
                if (mu > 0) {
                    b[i] = first ? gi : fmu * b[i] + gi;
                    gi = nesterov ? gi + fmu * b[i] : b[i];
                }
                w[i] = w[i] - flr * gi;
            }
        } else {
            double[] w = p.doubleData();
            double[] g = grad.doubleData();
            if (mu > 0 && first) {
                buffers[index] = new double[w.length];
            }
            double[] b = (double[]) buffers[index];
            for (int i = 0; i < w.length; i++) {
                double gi = decay == 0 ? g[i] : g[i] + decay * w[i];
                if (mu > 0) {
                    b[i] = first ? gi : mu * b[i] + gi;
                    gi = nesterov ? gi + mu * b[i] : b[i];
                }
                w[i] = w[i] - lr * gi;
            }
        }
    }

    @Override
    public Map<String, double[]> state() {
        Map<String, double[]> state = new LinkedHashMap<>();
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] instanceof float[] b) {
                state.put(i + ".momentum", widen(b));
            } else if (buffers[i] instanceof double[] b) {
                state.put(i + ".momentum", b.clone());
            }
        }
        return state;
    }

    @Override
    public void loadState(Map<String, double[]> state) {
        checkState(state, List.of("momentum"), (p, name) -> p.size());
        List<Parameter> params = parameters();
        for (int i = 0; i < buffers.length; i++) {
            double[] b = state.get(i + ".momentum");
            buffers[i] = b == null ? null : params.get(i).dtype() == DType.FLOAT32 ? narrow(b) : b.clone();
        }
    }
}
