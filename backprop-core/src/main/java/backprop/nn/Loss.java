package backprop.nn;

import backprop.autograd.GradMode;
import backprop.autograd.Node;
import backprop.tensor.ShapeMismatchException;
import backprop.tensor.Shapes;
import backprop.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Loss functions. The fused ones (cross-entropy on logits, BCE on logits, the logistic loss) are
 * one node each, with the closed-form gradient the textbook derives and a forward pass that stays
 * finite for logits of any magnitude; the rest are compositions the engine differentiates.
 *
 * <p>These are sums over all elements, as in the calculator language; training uses the
 * batch means of {@link #crossEntropyMean}, {@link #bceWithLogitsMean}, {@link #logisticMean}
 * and {@link #mse}. Every loss is differentiable in both arguments.
 */
public final class Loss {
    private Loss() {}

    /** {@code sum -(t log p + (1 - t) log(1 - p))}, for probabilities p in (0, 1). */
    public static Tensor bce(Tensor p, Tensor t) {
        Tensor one = Tensor.ones(p.dtype());
        return t.mul(p.log()).add(one.sub(t).mul(one.sub(p).log())).sum().neg();
    }

    /** {@code sum softplus(z) - t z}: BCE on the logits z = logit(p), computed stably. */
    public static Tensor bceWithLogits(Tensor z, Tensor t) {
        int[] shape = Shapes.broadcast("bce_logits", z.shape(), t.shape());
        Tensor loss;
        try (var noGrad = GradMode.disabled()) {
            loss = z.softplus().sub(t.mul(z)).sum();
        }
        return Node.record("bce_logits", loss, List.of(z, t), (i, g) -> i == 0
                ? g.mul(z.sigmoid().sub(t))                                // dL/dz = sigmoid(z) - t
                : g.mul(z.neg().expand(shape)));                           // dL/dt = -z
    }

    /**
     * {@code sum over rows of -sum(t * log_softmax(z))}: softmax cross-entropy on the logits z
     * (a vector, or a matrix of rows), t one-hot rows or probabilities broadcast to z's shape.
     */
    public static Tensor crossEntropy(Tensor z, Tensor t) {
        Checks.logits("cross_entropy", z);
        if (!Arrays.equals(Shapes.broadcast("cross_entropy", t.shape(), z.shape()), z.shape())) {
            throw new ShapeMismatchException("cross_entropy: targets of shape %s do not broadcast to the logits' shape %s"
                    .formatted(Shapes.format(t.shape()), Shapes.format(z.shape())));
        }
        Tensor logProbs;
        Tensor loss;
        try (var noGrad = GradMode.disabled()) {
            logProbs = z.logSoftmax();
            loss = t.mul(logProbs).sum().neg();
        }
        return Node.record("cross_entropy", loss, List.of(z, t), (i, g) -> i == 0
                ? g.mul(logProbs.exp().mul(rowSums(t.expand(z.shape()))).sub(t))   // softmax(z) sum(t) - t; softmax(z) - t for one-hot t
                : g.mul(logProbs.neg()));                                          // dL/dt = -log_softmax(z)
    }

    /** {@code sum log(1 + exp(-y z))} for labels y in {-1, 1}, computed stably. */
    public static Tensor logistic(Tensor z, Tensor y) {
        int[] shape = Shapes.broadcast("logistic", z.shape(), y.shape());
        Tensor margin;
        Tensor loss;
        try (var noGrad = GradMode.disabled()) {
            margin = y.mul(z).neg();
            loss = margin.softplus().sum();
        }
        return Node.record("logistic", loss, List.of(z, y), (i, g) -> i == 0
                ? g.mul(y.neg().mul(margin.sigmoid()))                     // dL/dz = -y / (1 + exp(y z))
                : g.mul(z.neg().mul(margin.sigmoid()).expand(shape)));     // dL/dy = -z / (1 + exp(y z))
    }

    /** {@code sum (a - b)^2}. */
    public static Tensor sse(Tensor a, Tensor b) {
        Tensor diff = a.sub(b);
        return diff.mul(diff).sum();
    }

    /** {@code mean (a - b)^2} over the broadcast shape. */
    public static Tensor mse(Tensor a, Tensor b) {
        return sse(a, b).div(Shapes.size(Shapes.broadcast("mse", a.shape(), b.shape())));
    }

    /**
     * {@link #crossEntropy} averaged over the rows of z [n, classes], with the class index of each
     * row: the loss of every classifier's training step, fused into one pass per row, log-sum-exp
     * forward and {@code (softmax(z) - onehot(label)) / n} backward. The one-hot form takes a dozen
     * generic operations, which at the batch sizes that train fast cost more than the loss itself.
     */
    public static Tensor crossEntropyMean(Tensor z, int[] labels) {
        Checks.rows("cross_entropy", z, labels.length);
        int n = labels.length;
        int classes = z.dim(1);
        int[] label = labels.clone();   // the caller may refill its array before backward runs
        for (int r = 0; r < n; r++) {
            if (labels[r] < 0 || labels[r] >= classes) {
                throw new IllegalArgumentException("cross_entropy: label %d of row %d is outside 0..%d"
                        .formatted(labels[r], r, classes - 1));
            }
        }
        double[] softmax = z.toDoubleArray();
        double sum = 0;
        for (int r = 0, row = 0; r < n; r++, row += classes) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, softmax[row + c]);
            }
            sum += max - softmax[row + label[r]];                        // -log softmax(z)[label] = lse(z) - z[label]
            double total = 0;
            for (int c = 0; c < classes; c++) {
                softmax[row + c] = Math.exp(softmax[row + c] - max);
                total += softmax[row + c];
            }
            sum += Math.log(total);
            for (int c = 0; c < classes; c++) {
                softmax[row + c] /= total;
            }
        }
        Tensor loss = Tensor.of(z.dtype(), new double[] {sum / n});
        return Node.record("cross_entropy", loss, List.of(z), (i, g) -> {
            double scale = g.item() / n;
            double[] dz = new double[softmax.length];
            for (int r = 0, row = 0; r < n; r++, row += classes) {
                for (int c = 0; c < classes; c++) {
                    dz[row + c] = scale * (softmax[row + c] - (c == label[r] ? 1 : 0));   // softmax(z) - t
                }
            }
            return Tensor.of(z.dtype(), dz, z.shape());
        });
    }

    /** {@link #bceWithLogits} averaged over the elements. */
    public static Tensor bceWithLogitsMean(Tensor z, Tensor t) {
        return bceWithLogits(z, t).div(z.size());
    }

    /** {@link #logistic} averaged over the elements. */
    public static Tensor logisticMean(Tensor z, Tensor y) {
        return logistic(z, y).div(z.size());
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
