package backprop.optim;

import backprop.internal.Checks;
import backprop.kernels.Kernels;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Adam and AdamW share: bias-corrected moment estimates (Kingma and Ba, 2015, Algorithm 1),
 * the step, and the state a checkpoint keeps. They differ only in where the weight decay goes.
 */
abstract class MomentEstimates extends Optimizer {
    private final Adam.Options options;
    private final boolean decoupled;
    private final Moments[] moments;   // per parameter; null until its first step
    private final long[] steps;

    MomentEstimates(List<ParamGroup> groups, Adam.Options options, boolean decoupled) {
        super(groups);
        this.options = options;
        this.decoupled = decoupled;
        this.moments = new Moments[parameters().size()];
        this.steps = new long[parameters().size()];
    }

    /** {@return the options other than the learning rate} */
    public Adam.Options options() {
        return options;
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
    protected void update(int index, Parameter p, Tensor grad, double lr) {
        if (moments[index] == null) {
            moments[index] = Moments.of(p);
        }
        Moments mo = moments[index];
        long t = ++steps[index];
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
            // the one update of a step that reads and writes every weight four times over: on the compute threads
            Kernels.get().forRanges(w.length, (from, to) -> {
                for (int i = from; i < to; i++) {
                    float gi = g[i] + fl2 * w[i];
                    m[i] = fb1 * m[i] + (1 - fb1) * gi;
                    v[i] = fb2 * v[i] + (1 - fb2) * gi * gi;
                    w[i] = fshrink * w[i] - fStep * m[i] / ((float) Math.sqrt(v[i]) / fCorr + fEps);
                }
            });
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
        checkState(state, List.of("m", "v", "step"), (p, name) -> name.equals("step") ? 1 : p.size());
        state.forEach((key, values) -> Checks.require(!key.endsWith(".step") || (values[0] >= 1 && values[0] == Math.rint(values[0])
                && values[0] <= 1L << 53), "state '%s' must be a whole number of steps >= 1; got %s", key, values[0]));
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
