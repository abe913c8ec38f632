package backprop.nn;

import backprop.autograd.GradMode;
import backprop.autograd.Node;
import backprop.internal.Arena;
import backprop.tensor.ShapeMismatchException;
import backprop.tensor.DType;
import backprop.tensor.Shapes;
import backprop.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Loss functions, mean-reduced by default as in PyTorch, each with a {@link Reduction} overload.
 * The fused ones (cross-entropy on logits, BCE on logits, the logistic loss) are one node each,
 * with the closed-form gradient the textbook derives and a forward pass that stays finite for
 * logits of any magnitude; the rest are compositions the engine differentiates. Every loss is
 * differentiable in both arguments, except integer class labels.
 */
public final class Loss {
    private Loss() {}

    // ---- Cross-entropy ------------------------------------------------------------------------

    /**
     * {@link #crossEntropy(Tensor, Tensor, Reduction)} averaged over the rows, as
     * {@code torch.nn.functional.cross_entropy(z, target)}.
     *
     * @param z the logits: a matrix [n, classes] or one vector [classes], floating-point
     * @param target INT64 class labels [n], or probabilities that broadcast to z's shape
     * @return a new scalar in the logits' dtype
     * @throws backprop.tensor.ShapeMismatchException if the shapes do not fit
     * @throws IllegalArgumentException for a label outside {@code 0..classes-1}
     */
    public static Tensor crossEntropy(Tensor z, Tensor target) {
        return crossEntropy(z, target, Reduction.MEAN);
    }

    /**
     * Softmax cross-entropy on the logits z (rows of a matrix [n, classes], or one vector), as
     * PyTorch's {@code cross_entropy}: per row {@code -log softmax(z)[label]} for INT64 class
     * labels [n] ({@link Tensor#of(int...)}), or {@code -sum(t * log_softmax(z))} for targets t
     * that are probabilities (one-hot rows, say) broadcast to z's shape. The gradient with
     * respect to z is the closed form {@code softmax(z) - t}, per row.
     *
     * @param z the logits, floating-point, of any magnitude
     * @param target INT64 class labels, one per row (not differentiable), or probabilities t
     * @param reduction NONE for one term per row ([n], or a scalar for a vector z), MEAN over the
     *     rows, or SUM
     * @return a new tensor in the logits' dtype (promoted with t's for probability targets)
     * @throws backprop.tensor.ShapeMismatchException if the shapes do not fit
     * @throws IllegalArgumentException for a label outside {@code 0..classes-1}
     */
    public static Tensor crossEntropy(Tensor z, Tensor target, Reduction reduction) {
        if (target.dtype() == DType.INT64) {
            Tensor rows = z.rank() == 1 ? z.reshape(1, z.dim(0)) : z;
            Tensor loss = crossEntropy(rows, target.toIntArray(), reduction);
            return z.rank() == 1 && reduction == Reduction.NONE ? loss.reshape() : loss;
        }
        Checks.logits("cross_entropy", z);
        if (!Arrays.equals(Shapes.broadcast("cross_entropy", target.shape(), z.shape()), z.shape())) {
            throw new ShapeMismatchException("cross_entropy: targets of shape %s do not broadcast to the logits' shape %s"
                    .formatted(Shapes.format(target.shape()), Shapes.format(z.shape())));
        }
        if (reduction == Reduction.NONE) {
            return target.mul(z.logSoftmax()).sum(-1).neg();
        }
        Tensor logProbs;
        Tensor loss;
        try (var noGrad = GradMode.disabled()) {
            logProbs = z.logSoftmax();
            loss = target.mul(logProbs).sum().neg();
        }
        Tensor t = target;
        Tensor sum = Node.record("cross_entropy", loss, List.of(z, t), (i, g) -> i == 0
                ? g.mul(logProbs.exp().mul(rowSums(t.expand(z.shape()))).sub(t))   // softmax(z) sum(t) - t; softmax(z) - t for one-hot t
                : g.mul(logProbs.neg()));                                          // dL/dt = -log_softmax(z)
        return reduction == Reduction.SUM || z.rank() == 1 ? sum : sum.div(z.dim(0));
    }

    /**
     * {@link #crossEntropy(Tensor, Tensor, Reduction)} with class labels as an {@code int[]}, averaged over the rows.
     *
     * @param z the logits [n, classes], floating-point
     * @param labels one class index per row, each in {@code 0..classes-1}; copied
     * @return a new scalar in the logits' dtype
     * @throws backprop.tensor.ShapeMismatchException unless z is [{@code labels.length}, classes]
     * @throws IllegalArgumentException for a label outside {@code 0..classes-1}
     */
    public static Tensor crossEntropy(Tensor z, int[] labels) {
        return crossEntropy(z, labels, Reduction.MEAN);
    }

    /**
     * Cross-entropy of the rows of z [n, classes] against one class index per row, fused into
     * one pass per row: log-sum-exp forward in float64, {@code softmax(z) - onehot(label)}
     * backward. The one-hot form takes a dozen generic operations, which at the batch sizes that
     * train fast cost more than the loss itself.
     *
     * @param z the logits [n, classes], floating-point, of any magnitude
     * @param labels one class index per row, each in {@code 0..classes-1}; copied, so the caller may
     *     reuse the array before the backward pass
     * @param reduction NONE for one term per row, MEAN over the rows, or SUM
     * @return a new tensor in the logits' dtype: a vector [n] for NONE, else a scalar
     * @throws backprop.tensor.ShapeMismatchException unless z is [{@code labels.length}, classes]
     * @throws IllegalArgumentException for a label outside {@code 0..classes-1}
     */
    public static Tensor crossEntropy(Tensor z, int[] labels, Reduction reduction) {
        Checks.rows("cross_entropy", z, labels.length);
        int n = labels.length;
        int classes = z.dim(1);
        int[] label = Arena.ints(n);   // a copy: the caller may refill its array before backward runs
        System.arraycopy(labels, 0, label, 0, n);
        for (int r = 0; r < n; r++) {
            if (label[r] < 0 || label[r] >= classes) {
                throw new IllegalArgumentException("cross_entropy: label %d of row %d is outside 0..%d"
                        .formatted(label[r], r, classes - 1));
            }
        }
        double[] softmax = Arena.doubles(z.size());   // a workspace step's: the backward rule below keeps it
        copyValues(z, softmax);
        double[] rowLoss = Arena.doubles(n);
        softmaxRows(softmax, label, classes, rowLoss);
        Tensor loss = reduce(z.dtype(), rowLoss, reduction);
        return Node.record("cross_entropy", loss, List.of(z), (i, g) -> {
            double[] dz = Arena.doubles(softmax.length);
            if (reduction == Reduction.NONE) {
                for (int r = 0; r < n; r++) {
                    softmaxMinusOneHot(softmax, label, r, classes, g.getFlat(r), dz);
                }
            } else {
                double scale = reduction == Reduction.MEAN ? g.item() / n : g.item();
                for (int r = 0; r < n; r++) {
                    softmaxMinusOneHot(softmax, label, r, classes, scale, dz);
                }
            }
            return result(z.dtype(), dz, z.shape());
        });
    }

    /*
     * The fused cross-entropy's loops, each a small method of its own: a run calls the loss a few
     * hundred times an epoch with a long loop inside, and as one large method the JIT compiled it
     * once per loop (on-stack replacement) and again whole, eight times in a short run, on the
     * cores the first epoch trains on.
     */

    /** Replaces each row of logits by its softmax and writes {@code lse(z) - z[label]} per row into rowLoss. */
    private static void softmaxRows(double[] z, int[] label, int classes, double[] rowLoss) {
        for (int r = 0, row = 0; r < rowLoss.length; r++, row += classes) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[row + c]);
            }
            double total = 0;
            for (int c = 0; c < classes; c++) {
                total += Math.exp(z[row + c] - max);
            }
            rowLoss[r] = max + Math.log(total) - z[row + label[r]];   // -log softmax(z)[label] = lse(z) - z[label]
            for (int c = 0; c < classes; c++) {
                z[row + c] = Math.exp(z[row + c] - max) / total;
            }
        }
    }

    private static void copyValues(Tensor z, double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = z.getFlat(i);
        }
    }

    /** Row r of the gradient: {@code scale * (softmax(z) - onehot(label))}. */
    private static void softmaxMinusOneHot(double[] softmax, int[] label, int r, int classes, double scale, double[] dz) {
        int row = r * classes;
        for (int c = 0; c < classes; c++) {
            dz[row + c] = scale * (softmax[row + c] - (c == label[r] ? 1 : 0));
        }
    }

    /** {@code Tensor.of(dtype, values, shape)}, taking its storage as the operations' results do (from a workspace step). */
    private static Tensor result(DType dtype, double[] values, int[] shape) {
        if (dtype == DType.FLOAT64) {
            return Tensor.wrap(values, shape);
        }
        if (dtype != DType.FLOAT32) {
            return Tensor.of(dtype, values, shape);
        }
        float[] out = Arena.floats(values.length);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) values[i];
        }
        return Tensor.wrap(out, shape);
    }

    // ---- Binary cross-entropy and the logistic loss ------------------------------------------

    /**
     * {@link #bce(Tensor, Tensor, Reduction)} averaged over the elements, as
     * {@code torch.nn.functional.binary_cross_entropy}.
     *
     * @param p probabilities in (0, 1)
     * @param t targets in [0, 1], of a shape that broadcasts with p's
     * @return a new scalar in the promoted dtype
     */
    public static Tensor bce(Tensor p, Tensor t) {
        return bce(p, t, Reduction.MEAN);
    }

    /**
     * {@code -(t log p + (1 - t) log(1 - p))} per element, for probabilities p in (0, 1); a p of
     * exactly 0 or 1 gives an infinity. {@link #bceWithLogits} is the stable form.
     *
     * @param p probabilities in (0, 1)
     * @param t targets in [0, 1], of a shape that broadcasts with p's
     * @param reduction NONE for the terms in the broadcast shape, MEAN or SUM for a scalar
     * @return a new tensor in the promoted dtype
     * @throws backprop.tensor.ShapeMismatchException if the shapes do not broadcast
     */
    public static Tensor bce(Tensor p, Tensor t, Reduction reduction) {
        Tensor one = Tensor.ones(p.dtype());
        return reduce(t.mul(p.log()).add(one.sub(t).mul(one.sub(p).log())).neg(), reduction);
    }

    /**
     * {@link #bceWithLogits(Tensor, Tensor, Reduction)} averaged over the elements, as
     * {@code torch.nn.functional.binary_cross_entropy_with_logits}.
     *
     * @param z logits of any magnitude
     * @param t targets in [0, 1], of a shape that broadcasts with z's
     * @return a new scalar in the promoted dtype
     */
    public static Tensor bceWithLogits(Tensor z, Tensor t) {
        return bceWithLogits(z, t, Reduction.MEAN);
    }

    /**
     * {@code softplus(z) - t z} per element: BCE on the logits z = logit(p), computed stably, with
     * the closed-form gradient {@code sigmoid(z) - t}.
     *
     * @param z logits of any magnitude
     * @param t targets in [0, 1], of a shape that broadcasts with z's
     * @param reduction NONE for the terms in the broadcast shape, MEAN or SUM for a scalar
     * @return a new tensor in the promoted dtype
     * @throws backprop.tensor.ShapeMismatchException if the shapes do not broadcast
     */
    public static Tensor bceWithLogits(Tensor z, Tensor t, Reduction reduction) {
        if (reduction == Reduction.NONE) {
            return z.softplus().sub(t.mul(z));
        }
        int[] shape = Shapes.broadcast("bce_logits", z.shape(), t.shape());
        Tensor loss;
        try (var noGrad = GradMode.disabled()) {
            loss = z.softplus().sub(t.mul(z)).sum();
        }
        Tensor sum = Node.record("bce_logits", loss, List.of(z, t), (i, g) -> i == 0
                ? g.mul(z.sigmoid().sub(t))                                // dL/dz = sigmoid(z) - t
                : g.mul(z.neg().expand(shape)));                           // dL/dt = -z
        return reduction == Reduction.SUM ? sum : sum.div(Shapes.size(shape));
    }

    /**
     * {@link #logistic(Tensor, Tensor, Reduction)} averaged over the elements, as
     * {@code torch.nn.functional.soft_margin_loss}.
     *
     * @param z logits of any magnitude
     * @param y labels -1 or 1, of a shape that broadcasts with z's
     * @return a new scalar in the promoted dtype
     */
    public static Tensor logistic(Tensor z, Tensor y) {
        return logistic(z, y, Reduction.MEAN);
    }

    /**
     * {@code log(1 + exp(-y z))} per element for labels y in {-1, 1}, computed stably.
     *
     * @param z logits of any magnitude
     * @param y labels -1 or 1, of a shape that broadcasts with z's
     * @param reduction NONE for the terms in the broadcast shape, MEAN or SUM for a scalar
     * @return a new tensor in the promoted dtype
     * @throws backprop.tensor.ShapeMismatchException if the shapes do not broadcast
     */
    public static Tensor logistic(Tensor z, Tensor y, Reduction reduction) {
        if (reduction == Reduction.NONE) {
            return y.mul(z).neg().softplus();
        }
        int[] shape = Shapes.broadcast("logistic", z.shape(), y.shape());
        Tensor margin;
        Tensor loss;
        try (var noGrad = GradMode.disabled()) {
            margin = y.mul(z).neg();
            loss = margin.softplus().sum();
        }
        Tensor sum = Node.record("logistic", loss, List.of(z, y), (i, g) -> i == 0
                ? g.mul(y.neg().mul(margin.sigmoid()))                     // dL/dz = -y / (1 + exp(y z))
                : g.mul(z.neg().mul(margin.sigmoid()).expand(shape)));     // dL/dy = -z / (1 + exp(y z))
        return reduction == Reduction.SUM ? sum : sum.div(Shapes.size(shape));
    }

    // ---- Squared error --------------------------------------------------------------------------

    /**
     * {@link #mse(Tensor, Tensor, Reduction)} averaged over the elements, as
     * {@code torch.nn.functional.mse_loss}.
     *
     * @param a predictions
     * @param b targets, of a shape that broadcasts with a's
     * @return a new scalar in the promoted dtype
     */
    public static Tensor mse(Tensor a, Tensor b) {
        return mse(a, b, Reduction.MEAN);
    }

    /**
     * {@code (a - b)^2} per element of the broadcast shape; with {@link Reduction#SUM}, the sum of squared errors.
     *
     * @param a predictions
     * @param b targets, of a shape that broadcasts with a's
     * @param reduction NONE for the terms in the broadcast shape, MEAN or SUM for a scalar
     * @return a new tensor in the promoted dtype
     * @throws backprop.tensor.ShapeMismatchException if the shapes do not broadcast
     */
    public static Tensor mse(Tensor a, Tensor b, Reduction reduction) {
        Tensor diff = a.sub(b);
        return reduce(diff.mul(diff), reduction);
    }

    private static Tensor reduce(Tensor terms, Reduction reduction) {
        return switch (reduction) {
            case NONE -> terms;
            case MEAN -> terms.mean();
            case SUM -> terms.sum();
        };
    }

    private static Tensor reduce(DType dtype, double[] terms, Reduction reduction) {
        if (reduction == Reduction.NONE) {
            return Tensor.of(dtype, terms, terms.length);
        }
        double sum = 0;
        for (double v : terms) {
            sum += v;
        }
        return Tensor.of(dtype, new double[] {reduction == Reduction.MEAN ? sum / terms.length : sum});
    }

    /** Sums over the last axis, kept with size 1 so that the result broadcasts against the rows. */
    private static Tensor rowSums(Tensor t) {
        if (t.rank() == 1) {
            return t.sum();
        }
        return t.sum(-1).reshape(t.dim(0), 1);
    }

    private static final class Checks {
        private Checks() {}

        static void logits(String op, Tensor z) {
            if (z.rank() != 1 && z.rank() != 2) {
                throw new ShapeMismatchException("%s: logits must be a vector or a matrix; got shape %s"
                        .formatted(op, Shapes.format(z.shape())));
            }
        }

        static void rows(String op, Tensor z, int labels) {
            if (z.rank() != 2 || z.dim(0) != labels) {
                throw new ShapeMismatchException("%s: needs logits [%d, classes] for %d labels; got shape %s"
                        .formatted(op, labels, labels, Shapes.format(z.shape())));
            }
        }
    }
}
