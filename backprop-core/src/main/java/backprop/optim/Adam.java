package backprop.optim;

import backprop.internal.Checks;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015, Algorithm 1) with bias-corrected moment estimates. Weight decay is
 * either an L2 term added to the gradient (Adam) or decoupled, {@code w <- w - lr λ w} before the
 * step (AdamW, Loshchilov and Hutter, 2019): {@link #adamW}.
 */
public final class Adam extends Optimizer {

    public record Options(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        /** Kingma and Ba (2015), section 2. */
        public static final Options DEFAULTS = new Options(1e-3, 0.9, 0.999, 1e-8, 0);

        public Options {
            Checks.require(learningRate > 0, "learning rate must be > 0; got %s", learningRate);
            Checks.require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1); got %s", beta1);
            Checks.require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1); got %s", beta2);
            Checks.require(epsilon > 0, "epsilon must be > 0; got %s", epsilon);
            Checks.require(weightDecay >= 0, "weight decay must be >= 0; got %s", weightDecay);
        }

        public Options withLearningRate(double value) {
            return new Options(value, beta1, beta2, epsilon, weightDecay);
        }

        public Options withWeightDecay(double value) {
            return new Options(learningRate, beta1, beta2, epsilon, value);
        }
    }

    private final Options options;
    private final boolean decoupled;
    private final double[][] m;
    private final double[][] v;
    private final long[] steps;

    /** Adam with L2 weight decay (added to the gradient). */
    public Adam(List<Parameter> parameters, Options options) {
        this(parameters, options, false);
    }

    private Adam(List<Parameter> parameters, Options options, boolean decoupled) {
        super(parameters, options.learningRate());
        this.options = options;
        this.decoupled = decoupled;
        this.m = new double[parameters.size()][];
        this.v = new double[parameters.size()][];
        this.steps = new long[parameters.size()];
    }

    /** AdamW: Adam with decoupled weight decay. */
    public static Adam adamW(List<Parameter> parameters, Options options) {
        return new Adam(parameters, options, true);
    }

    @Override
    protected void update(int index, Parameter p, Tensor grad) {
        if (m[index] == null) {
            m[index] = new double[p.size()];
            v[index] = new double[p.size()];
        }
        double[] mi = m[index];
        double[] vi = v[index];
        long t = ++steps[index];
        double lr = learningRate();
        double b1 = options.beta1();
        double b2 = options.beta2();
        double decay = options.weightDecay();
        double correction1 = 1 - Math.pow(b1, t);
        double correction2 = 1 - Math.pow(b2, t);
        Values w = new Values(p);
        Values g = new Values(grad);
        for (int i = 0; i < p.size(); i++) {
            double wi = w.get(i);
            double gi = g.get(i);
            if (decay != 0) {
                if (decoupled) {
                    wi -= lr * decay * wi;
                } else {
                    gi += decay * wi;
                }
            }
            mi[i] = b1 * mi[i] + (1 - b1) * gi;
            vi[i] = b2 * vi[i] + (1 - b2) * gi * gi;
            double mHat = mi[i] / correction1;
            double vHat = vi[i] / correction2;
            w.set(i, wi - lr * mHat / (Math.sqrt(vHat) + options.epsilon()));
        }
    }

    @Override
    public Map<String, double[]> state() {
        Map<String, double[]> state = new LinkedHashMap<>();
        for (int i = 0; i < m.length; i++) {
            if (m[i] != null) {
                state.put(i + ".m", m[i].clone());
                state.put(i + ".v", v[i].clone());
                state.put(i + ".step", new double[] {steps[i]});
            }
        }
        return state;
    }

    @Override
    public void loadState(Map<String, double[]> state) {
        for (int i = 0; i < m.length; i++) {
            double[] mi = state.get(i + ".m");
            m[i] = mi == null ? null : mi.clone();
            v[i] = mi == null ? null : state.get(i + ".v").clone();
            steps[i] = mi == null ? 0 : (long) state.get(i + ".step")[0];
        }
    }
}
