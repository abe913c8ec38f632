package backprop.optim;

import backprop.internal.Checks;
import backprop.tensor.DType;
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
    private final Moments[] moments;   // per parameter; null until its first step
    private final long[] steps;

    /** Adam with L2 weight decay (added to the gradient). */
    public Adam(List<Parameter> parameters, Options options) {
        this(parameters, options, false);
    }

    private Adam(List<Parameter> parameters, Options options, boolean decoupled) {
        super(parameters, options.learningRate());
        this.options = options;
        this.decoupled = decoupled;
        this.moments = new Moments[parameters.size()];
        this.steps = new long[parameters.size()];
    }

    /** AdamW: Adam with decoupled weight decay. */
    public static Adam adamW(List<Parameter> parameters, Options options) {
        return new Adam(parameters, options, true);
    }

    /**
     * The moment estimates, in the parameter's own precision as PyTorch keeps them: float32
     * arithmetic vectorizes, and this loop then costs a twentieth of its float64 form.
     */
    private record Moments(float[] mf, float[] vf, double[] md, double[] vd) {
        static Moments of(Parameter p) {
            return p.dtype() == DType.FLOAT32
                    ? new Moments(new float[p.size()], new float[p.size()], null, null)
                    : new Moments(null, null, new double[p.size()], new double[p.size()]);
        }
    }

    @Override
    protected void update(int index, Parameter p, Tensor grad) {
        if (moments[index] == null) {
            moments[index] = Moments.of(p);
        }
        Moments mo = moments[index];
        long t = ++steps[index];
        double lr = learningRate();
        double b1 = options.beta1();
        double b2 = options.beta2();
        double stepSize = lr / (1 - Math.pow(b1, t));                // lr / (1 - beta1^t): m^ folded in
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(b2, t));     // sqrt(v^) = sqrt(v) / sqrt(1 - beta2^t)
        double l2 = decoupled ? 0 : options.weightDecay();           // Adam: decay joins the gradient
        double shrink = decoupled ? 1 - lr * options.weightDecay() : 1;   // AdamW: decay shrinks the weight
        double eps = options.epsilon();
        if (mo.mf() != null) {
            float[] w = p.floatData();
            float[] g = grad.floatData();
            float[] m = mo.mf();
            float[] v = mo.vf();
            float fb1 = (float) b1, fb2 = (float) b2, fl2 = (float) l2, fshrink = (float) shrink;
            float fStep = (float) stepSize, fCorr = (float) sqrtCorrection2, fEps = (float) eps;
            for (int i = 0; i < w.length; i++) {
                float gi = g[i] + fl2 * w[i];
                m[i] = fb1 * m[i] + (1 - fb1) * gi;
                v[i] = fb2 * v[i] + (1 - fb2) * gi * gi;
                w[i] = fshrink * w[i] - fStep * m[i] / ((float) Math.sqrt(v[i]) / fCorr + fEps);
            }
        } else {
            double[] w = p.doubleData();
            double[] g = grad.doubleData();
            double[] m = mo.md();
            double[] v = mo.vd();
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] + l2 * w[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                w[i] = shrink * w[i] - stepSize * m[i] / (Math.sqrt(v[i]) / sqrtCorrection2 + eps);
            }
        }
    }

    @Override
    public Map<String, double[]> state() {
        Map<String, double[]> state = new LinkedHashMap<>();
        for (int i = 0; i < moments.length; i++) {
            Moments mo = moments[i];
            if (mo != null) {
                state.put(i + ".m", mo.md() != null ? mo.md().clone() : widen(mo.mf()));
                state.put(i + ".v", mo.vd() != null ? mo.vd().clone() : widen(mo.vf()));
                state.put(i + ".step", new double[] {steps[i]});
            }
        }
        return state;
    }

    @Override
    public void loadState(Map<String, double[]> state) {
        List<Parameter> params = parameters();
        for (int i = 0; i < moments.length; i++) {
            double[] m = state.get(i + ".m");
            if (m == null) {
                moments[i] = null;
                steps[i] = 0;
                continue;
            }
            double[] v = state.get(i + ".v");
            moments[i] = params.get(i).dtype() == DType.FLOAT32
                    ? new Moments(narrow(m), narrow(v), null, null)
                    : new Moments(null, null, m.clone(), v.clone());
            steps[i] = (long) state.get(i + ".step")[0];
        }
    }
}
