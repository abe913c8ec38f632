package backprop.spark;

import backprop.train.StepResult;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What partitions send back for one step or round, added up by {@code treeAggregate}: a vector
 * (the gradient sum of a batch's rows in synchronous mode; the weights times the rows they saw in
 * averaging mode), the optimizer state weighted likewise (averaging mode only), and the loss sum,
 * correct predictions and row count for the progress and the epoch's training metrics.
 */
final class Partial implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The identity of {@link #add}: no vector, no rows. */
    static final Partial ZERO = new Partial(null, Map.of(), 0, 0, 0);

    final float[] vector;
    final Map<String, double[]> state;
    final double lossSum;
    final long correct;
    final long rows;

    Partial(float[] vector, Map<String, double[]> state, double lossSum, long correct, long rows) {
        this.vector = vector;
        this.state = state;
        this.lossSum = lossSum;
        this.correct = correct;
        this.rows = rows;
    }

    /** The sum of two partials; neither is changed. */
    static Partial add(Partial a, Partial b) {
        if (a.vector == null) {
            return b.vector == null ? new Partial(null, Map.of(), a.lossSum + b.lossSum, a.correct + b.correct, a.rows + b.rows) : add(b, a);
        }
        float[] v = a.vector.clone();
        if (b.vector != null) {
            for (int i = 0; i < v.length; i++) {
                v[i] += b.vector[i];
            }
        }
        Map<String, double[]> state = new LinkedHashMap<>();
        a.state.forEach((k, x) -> state.put(k, plus(x, b.state.get(k))));
        return new Partial(v, state, a.lossSum + b.lossSum, a.correct + b.correct, a.rows + b.rows);
    }

    /** What the loop hears of the step: the rows' mean loss, correct predictions and rows. */
    StepResult result() {
        return new StepResult(lossSum / rows, correct, Math.toIntExact(rows));
    }

    private static double[] plus(double[] x, double[] y) {
        double[] out = x.clone();
        if (y != null) {
            for (int i = 0; i < out.length; i++) {
                out[i] += y[i];
            }
        }
        return out;
    }
}
