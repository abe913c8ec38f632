package backprop.optim;

import backprop.internal.Checks;
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

    /** @param momentum 0 for plain SGD */
    public record Options(double learningRate, double momentum, boolean nesterov, double weightDecay) {
        public static final Options DEFAULTS = new Options(0.01, 0, false, 0);

        public Options {
            Checks.require(learningRate > 0, "learning rate must be > 0; got %s", learningRate);
            Checks.require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1); got %s", momentum);
            Checks.require(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0; got %s", momentum);
            Checks.require(weightDecay >= 0, "weight decay must be >= 0; got %s", weightDecay);
        }

        public Options withLearningRate(double value) {
            return new Options(value, momentum, nesterov, weightDecay);
        }

        public Options withMomentum(double value, boolean nesterovValue) {
            return new Options(learningRate, value, nesterovValue, weightDecay);
        }

        public Options withWeightDecay(double value) {
            return new Options(learningRate, momentum, nesterov, value);
        }
    }

    private final Options options;
    private final double[][] buffers;   // momentum, per parameter; null until its first step

    public Sgd(List<Parameter> parameters, Options options) {
        super(parameters, options.learningRate());
        this.options = options;
        this.buffers = new double[parameters.size()][];
    }

    @Override
    protected void update(int index, Parameter p, Tensor grad) {
        Values w = new Values(p);
        Values g = new Values(grad);
        double lr = learningRate();
        double decay = options.weightDecay();
        double mu = options.momentum();
        boolean first = buffers[index] == null;
        if (mu > 0 && first) {
            buffers[index] = new double[p.size()];
        }
        double[] b = buffers[index];
        for (int i = 0; i < p.size(); i++) {
            double wi = w.get(i);
            double gi = decay == 0 ? g.get(i) : g.get(i) + decay * wi;
            if (mu > 0) {
                b[i] = first ? gi : mu * b[i] + gi;
                gi = options.nesterov() ? gi + mu * b[i] : b[i];
            }
            w.set(i, wi - lr * gi);
        }
    }

    @Override
    public Map<String, double[]> state() {
        Map<String, double[]> state = new LinkedHashMap<>();
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] != null) {
                state.put(i + ".momentum", buffers[i].clone());
            }
        }
        return state;
    }

    @Override
    public void loadState(Map<String, double[]> state) {
        for (int i = 0; i < buffers.length; i++) {
            double[] b = state.get(i + ".momentum");
            buffers[i] = b == null ? null : b.clone();
        }
    }
}
