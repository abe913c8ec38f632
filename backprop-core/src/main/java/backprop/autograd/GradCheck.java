package backprop.autograd;

import backprop.internal.Checks;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks backpropagation against central finite differences, in float64.
 *
 * <p>For every element x of every input, the numeric derivative is
 * {@code (f(x + h) - f(x - h)) / 2h} with {@code h = 1e-6 max(1, |x|)}, and the error is
 * {@code |analytic - numeric| / max(1, |analytic|, |numeric|)}: relative for large
 * derivatives, absolute for small ones.
 */
public final class GradCheck {
    /** The tolerance of {@code backprop grad --check} and of the tests. */
    public static final double TOLERANCE = 1e-6;

    private GradCheck() {}

    /**
     * The largest error per input, and where it was.
     *
     * @param maxErrors one per input, in input order
     * @param worstIndex the flat element index of each input's largest error
     */
    public record Result(List<Double> maxErrors, List<Integer> worstIndex) {
        public double worst() {
            double worst = 0;
            for (double e : maxErrors) {
                worst = Double.isNaN(e) ? Double.NaN : Math.max(worst, e);
            }
            return worst;
        }

        /** True when every error is at most {@code tolerance} (NaN fails). */
        public boolean passed(double tolerance) {
            double w = worst();
            return !Double.isNaN(w) && w <= tolerance;
        }
    }

    /**
     * Compares the gradient of the scalar {@code f(inputs)} with finite differences.
     * {@code f} must be a pure function of the tensors it is given; the inputs are not changed.
     */
    public static Result run(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        List<Tensor> leaves = new ArrayList<>();
        for (Tensor input : inputs) {
            leaves.add(input.to(DType.FLOAT64).copy().requiresGrad(true));
        }
        Tensor y;
        try (var recording = GradMode.enabled()) {
            y = f.apply(leaves);
            Checks.require(y.size() == 1, "gradcheck: the function must return a scalar; got %d elements", y.size());
            if (y.requiresGrad()) {
                y.backward();
            }
        }
        List<Double> errors = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        try (var noGrad = GradMode.disabled()) {
            for (int i = 0; i < leaves.size(); i++) {
                Tensor leaf = leaves.get(i);
                Tensor analytic = leaf.grad();
                double worst = 0;
                int worstAt = 0;
                for (int j = 0; j < leaf.size(); j++) {
                    double a = analytic == null ? 0 : analytic.getFlat(j);
                    double n = numeric(f, leaves, i, j);
                    double error = Math.abs(a - n) / Math.max(1, Math.max(Math.abs(a), Math.abs(n)));
                    if (Double.isNaN(error) || error > worst) {
                        worst = error;
                        worstAt = j;
                        if (Double.isNaN(error)) {
                            break;
                        }
                    }
                }
                errors.add(worst);
                where.add(worstAt);
            }
        }
        return new Result(List.copyOf(errors), List.copyOf(where));
    }

    private static double numeric(Function<List<Tensor>, Tensor> f, List<Tensor> leaves, int input, int element) {
        double x = leaves.get(input).getFlat(element);
        double h = 1e-6 * Math.max(1, Math.abs(x));
        double plus = evaluateWith(f, leaves, input, element, x + h);
        double minus = evaluateWith(f, leaves, input, element, x - h);
        return (plus - minus) / ((x + h) - (x - h));
    }

    private static double evaluateWith(Function<List<Tensor>, Tensor> f, List<Tensor> leaves, int input, int element, double value) {
        List<Tensor> args = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            Tensor leaf = leaves.get(i).detach();
            if (i == input) {
                double[] values = leaf.toDoubleArray();
                values[element] = value;
                leaf = Tensor.wrap(values, leaf.shape());
            }
            args.add(leaf);
        }
        return f.apply(args).item();
    }
}
