package backprop.tensor;

import backprop.autograd.Node;
import backprop.internal.Checks;
import java.util.Arrays;
import java.util.List;

/** Sums and the normalizations over the last axis (softmax, log-softmax), with their backward rules. */
final class Reductions {
    private Reductions() {}

    static Tensor sum(Tensor a) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.getFlat(i);
        }
        Tensor out = Results.zeros(a.dtype());
        out.setFlat(0, s);
        int[] shape = a.shape();
        return Node.record("sum", out, List.of(a), (i, g) -> g.expand(shape));       // d(sum a)/da_i = 1
    }

    /** The sum over {@code axis} (already normalized); with {@code keepDim} the axis stays with size 1. */
    static Tensor sum(Tensor a, int axis, boolean keepDim) {
        int[] shape = a.shape();
        int[] kept = shape.clone();
        kept[axis] = 1;
        Tensor out = Results.zeros(a.dtype(), keepDim ? kept : dropAxis(shape, axis));
        accumulate(a, axis, out);
        return Node.record("sum", out, List.of(a), (i, g) -> g.reshape(kept).expand(shape));
    }

    /**
     * The sum over {@code axis} written over {@code out}, as {@link #sum(Tensor, int, boolean)}
     * computes it, when out has a's dtype and the result's size: a bias gradient written into its
     * parameter's gradient storage.
     *
     * @return false, with out untouched, when it has not
     */
    static boolean sumInto(Tensor a, int axis, Tensor out) {
        if (out.dtype() != a.dtype() || out.size() * a.dim(axis) != a.size()) {
            return false;
        }
        if (out.f != null) {
            Arrays.fill(out.f, 0f);
        } else {
            Arrays.fill(out.d, 0.0);
        }
        accumulate(a, axis, out);
        return true;
    }

    /** Adds the sum of {@code a} over {@code axis} into {@code out}. */
    private static void accumulate(Tensor a, int axis, Tensor out) {
        int[] shape = a.shape();
        int outer = Shapes.size(Arrays.copyOfRange(shape, 0, axis));
        int inner = Shapes.size(Arrays.copyOfRange(shape, axis + 1, shape.length));
        if (a.f != null) {
            sumFloat(a.f, out.f, outer, shape[axis], inner);
        } else {
            sumDouble(a.d, out.d, outer, shape[axis], inner);
        }
    }

    /** out[o, i] = sum_k a[o, k, i]; the inner loop runs along contiguous memory (the bias gradient's column sums). */
    private static void sumFloat(float[] a, float[] out, int outer, int n, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < n; k++) {
                int base = (o * n + k) * inner;
                for (int i = 0; i < inner; i++) {
                    out[o * inner + i] += a[base + i];
                }
            }
        }
    }

    private static void sumDouble(double[] a, double[] out, int outer, int n, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < n; k++) {
                int base = (o * n + k) * inner;
                for (int i = 0; i < inner; i++) {
                    out[o * inner + i] += a[base + i];
                }
            }
        }
    }

    static Tensor softmax(Tensor a) {
        Checks.require(a.rank() >= 1, "softmax: needs a vector or a matrix; got a scalar");
        Tensor out = Results.uninitialized(floating(a.dtype()), a.shape());
        int n = a.dim(-1);
        for (int row = 0; row < a.size() / Math.max(n, 1); row++) {
            int base = row * n;
            double max = rowMax(a, base, n);
            double total = 0;
            for (int j = 0; j < n; j++) {
                double e = Math.exp(a.getFlat(base + j) - max);
                out.setFlat(base + j, e);
                total += e;
            }
            for (int j = 0; j < n; j++) {
                out.setFlat(base + j, out.getFlat(base + j) / total);
            }
        }
        int last = a.rank() - 1;
        return Node.record("softmax", out, List.of(a), (i, g) ->                    // s * (g - sum_j g_j s_j)
                out.mul(g.sub(sum(g.mul(out), last, true))));
    }

    static Tensor logSoftmax(Tensor a) {
        Checks.require(a.rank() >= 1, "log_softmax: needs a vector or a matrix; got a scalar");
        Tensor out = Results.uninitialized(floating(a.dtype()), a.shape());
        int n = a.dim(-1);
        for (int row = 0; row < a.size() / Math.max(n, 1); row++) {
            int base = row * n;
            double logSumExp = logSumExp(a, base, n);
            for (int j = 0; j < n; j++) {
                out.setFlat(base + j, a.getFlat(base + j) - logSumExp);
            }
        }
        int last = a.rank() - 1;
        return Node.record("log_softmax", out, List.of(a), (i, g) ->                // g - softmax * sum_j g_j
                g.sub(out.exp().mul(sum(g, last, true))));
    }

    /** log(sum_j e^{x_j}) over {@code n} elements from {@code base}, the maximum subtracted first. */
    static double logSumExp(Tensor a, int base, int n) {
        double max = rowMax(a, base, n);
        double total = 0;
        for (int j = 0; j < n; j++) {
            total += Math.exp(a.getFlat(base + j) - max);
        }
        return max + Math.log(total);
    }

    private static double rowMax(Tensor a, int base, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, a.getFlat(base + j));
        }
        return Double.isInfinite(max) ? 0 : max;
    }

    private static int[] dropAxis(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, o = 0; i < shape.length; i++) {
            if (i != axis) {
                out[o++] = shape[i];
            }
        }
        return out;
    }

    /** Softmax of labels is a float64 distribution, not labels. */
    private static DType floating(DType dtype) {
        return dtype.isFloatingPoint() ? dtype : DType.FLOAT64;
    }

    /** The index of the largest (or smallest) element along {@code axis} (normalized); ties to the first. */
    static Tensor argExtreme(Tensor a, int axis, boolean max) {
        int[] shape = a.shape();
        Checks.require(shape[axis] > 0, "argmax: axis %d of shape %s is empty", axis, shape);
        int outer = Shapes.size(Arrays.copyOfRange(shape, 0, axis));
        int inner = Shapes.size(Arrays.copyOfRange(shape, axis + 1, shape.length));
        int n = shape[axis];
        Tensor out = Results.zeros(DType.INT64, dropAxis(shape, axis));
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                int best = 0;
                double bestValue = a.getFlat(base);
                for (int k = 1; k < n; k++) {
                    double v = a.getFlat(base + k * inner);
                    if (max ? v > bestValue : v < bestValue) {
                        best = k;
                        bestValue = v;
                    }
                }
                out.d[o * inner + i] = best;
            }
        }
        return out;
    }
}
