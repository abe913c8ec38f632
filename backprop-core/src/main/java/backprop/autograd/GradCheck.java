package backprop.autograd;

import backprop.internal.Checks;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

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
        /**
         * @return the largest error over all inputs; NaN if any error is NaN
         */
        public double worst() {
            double worst = 0;
            for (double e : maxErrors) {
                worst = Double.isNaN(e) ? Double.NaN : Math.max(worst, e);
            }
            return worst;
        }

        /**
         * @param tolerance the largest error allowed, {@link #TOLERANCE} for float64
         * @return true when every error is at most {@code tolerance} (NaN fails)
         */
        public boolean passed(double tolerance) {
            double w = worst();
            return !Double.isNaN(w) && w <= tolerance;
        }
    }

    /**
     * Compares the gradient of the scalar {@code f(inputs)} with finite differences.
     * {@code f} must be a pure function of the tensors it is given; the inputs are not changed.
     *
     * @param f the function, given float64 copies of {@code inputs} that require a gradient
     * @param inputs the point at which to differentiate, of any dtype
     * @return each input's largest error and where it was
     * @throws IllegalArgumentException if {@code f} does not return a one-element tensor
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
                Worst worst = new Worst(0);
                for (int j = 0; j < leaf.size(); j++) {
                    double a = analytic == null ? 0 : analytic.getFlat(j);
                    if (worst.add(error(a, numeric(f, leaves, i, j)), j)) {
                        break;
                    }
                }
                errors.add(worst.value);
                where.add(worst.at);
            }
        }
        return new Result(List.copyOf(errors), List.copyOf(where));
    }

    /**
     * A derivative that is not a finite number, which no error can be computed from.
     *
     * @param analytic true for backpropagation's derivative, false for the finite difference's
     * @param index the flat (row-major) index of the element
     * @param value the derivative: NaN or an infinity
     */
    public record NonFinite(boolean analytic, int index, double value) {}

    /**
     * One parameter's sampled check.
     *
     * @param name the parameter's name, as its module registered it
     * @param shape the parameter's shape
     * @param size the parameter's element count
     * @param checked the flat (row-major) indices of the elements compared, ascending
     * @param maxError the largest error among them (NaN if any was NaN, or a derivative was not finite)
     * @param worstIndex the flat index of that largest error (of the derivative that was not finite)
     * @param nonFinite the first derivative that is not a finite number: an analytic one anywhere in
     *     the parameter, or a numeric one among the checked elements; null when there is none
     */
    public record ParameterCheck(String name, int[] shape, int size, int[] checked, double maxError, int worstIndex,
                                 NonFinite nonFinite) {
        /**
         * @param tolerance the largest error allowed, {@link #TOLERANCE} for float64
         * @return true when every derivative is finite and every checked element's error is at most
         *     {@code tolerance} (NaN fails)
         */
        public boolean passed(double tolerance) {
            return nonFinite == null && !Double.isNaN(maxError) && maxError <= tolerance;
        }
    }

    /**
     * Compares the gradients that backpropagating {@code loss} leaves in {@code parameters} with
     * central finite differences, at up to {@code samples} elements of each parameter: all of
     * them when it has no more, else a uniform sample without repeats drawn from {@code rng}.
     * The error is as in {@link #run}.
     *
     * <p>Unlike {@link #run}, the parameters themselves are perturbed (and restored before
     * returning), so {@code loss} can be a module's real forward pass. Their gradients are
     * overwritten. {@code loss} must be a deterministic function of the parameters' values:
     * put the module in evaluation mode (no dropout) and use a fixed batch.
     *
     * @param loss computes the scalar loss from the parameters' current values
     * @param parameters the parameters to check, by name; in float64
     * @param samples how many elements of each parameter to check, at least 1
     * @param rng draws the sample of elements
     * @return one check per parameter, in {@code parameters}' iteration order
     * @throws IllegalArgumentException if a parameter is not float64 (float32 differences are

     *     too coarse to check to 1e-6), {@code samples < 1}, or {@code loss} is not a scalar
     */
    public static List<ParameterCheck> parameters(Supplier<Tensor> loss, Map<String, Parameter> parameters,
                                                  int samples, RandomGenerator rng) {
        Checks.require(samples >= 1, "gradcheck: samples must be >= 1; got %d", samples);
        parameters.forEach((name, p) -> Checks.require(p.dtype() == DType.FLOAT64,
                "gradcheck: parameter '%s' must be float64 for a finite-difference check; got %s", name, p.dtype()));
        parameters.values().forEach(Tensor::zeroGrad);
        try (var recording = GradMode.enabled()) {
            Tensor y = loss.get();
            Checks.require(y.size() == 1, "gradcheck: the loss must be a scalar; got %d elements", y.size());
            if (y.requiresGrad()) {
                y.backward();
            }
        }
        List<ParameterCheck> checks = new ArrayList<>();
        try (var noGrad = GradMode.disabled()) {
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                Parameter p = e.getValue();
                Tensor analytic = p.grad();
                double[] values = p.doubleData();
                int[] checked = sample(p.size(), samples, rng);
                Worst worst = new Worst(checked.length == 0 ? 0 : checked[0]);
                // every element's analytic derivative, not only the sample's: one NaN in it would steer training as well
                NonFinite nonFinite = nonFinite(analytic);
                for (int k = 0; k < checked.length && nonFinite == null; k++) {
                    int j = checked[k];
                    double a = analytic == null ? 0 : analytic.getFlat(j);
                    double x = values[j];
                    double h = step(x);
                    values[j] = x + h;
                    double plus = loss.get().item();
                    values[j] = x - h;
                    double minus = loss.get().item();
                    values[j] = x;
                    double numeric = (plus - minus) / ((x + h) - (x - h));
                    if (!Double.isFinite(numeric)) {
                        nonFinite = new NonFinite(false, j, numeric);
                    } else if (worst.add(error(a, numeric), j)) {
                        break;
                    }
                }
                if (nonFinite != null) {
                    worst.value = Double.NaN;
                    worst.at = nonFinite.index();
                }
                checks.add(new ParameterCheck(e.getKey(), p.shape(), p.size(), checked, worst.value, worst.at, nonFinite));
            }
        }
        return List.copyOf(checks);
    }

    /** The first element of {@code gradient} that is not finite, or null; a missing gradient is zero. */
    private static NonFinite nonFinite(Tensor gradient) {
        if (gradient != null) {
            for (int i = 0; i < gradient.size(); i++) {
                double g = gradient.getFlat(i);
                if (!Double.isFinite(g)) {
                    return new NonFinite(true, i, g);
                }
            }
        }
        return null;
    }

    /** Every index below {@code size} when there are at most {@code samples}, else {@code samples} distinct ones, sorted. */
    private static int[] sample(int size, int samples, RandomGenerator rng) {
        int[] all = new int[size];
        Arrays.setAll(all, i -> i);
        if (size <= samples) {
            return all;
        }
        for (int i = 0; i < samples; i++) {   // a partial Fisher-Yates shuffle: the first `samples` are the sample
            int j = i + rng.nextInt(size - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        int[] picked = Arrays.copyOf(all, samples);
        Arrays.sort(picked);
        return picked;
    }

    private static double numeric(Function<List<Tensor>, Tensor> f, List<Tensor> leaves, int input, int element) {
        double x = leaves.get(input).getFlat(element);
        double h = step(x);
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

    /** The finite-difference step for an element of value x: 1e-6 relative, 1e-6 absolute near 0. */
    private static double step(double x) {
        return 1e-6 * Math.max(1, Math.abs(x));
    }

    /** |analytic - numeric| / max(1, |analytic|, |numeric|): relative for large derivatives, absolute for small. */
    private static double error(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(1, Math.max(Math.abs(analytic), Math.abs(numeric)));
    }

    /** The largest error seen and where; a NaN outranks every number and ends the search. */
    private static final class Worst {
        double value;
        int at;

        Worst(int firstIndex) {
            at = firstIndex;
        }

        /** Records an error; true when it is NaN. */
        boolean add(double error, int index) {
            if (Double.isNaN(error) || error > value) {
                value = error;
                at = index;
            }
            return Double.isNaN(error);
        }
    }
}
