package backprop.spark;

import backprop.train.Evaluation;
import java.io.Serializable;

/**
 * Core's {@link Evaluation} of one partition as sums that add up across partitions: loss sum,
 * squared error, confusion counts (true class by predicted, row-major) and rows.
 */
final class Score implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Score ZERO = new Score(0, 0, new long[0], 0);

    private final double lossSum;
    private final double squaredError;
    private final long[] confusion;
    private final long rows;

    private Score(double lossSum, double squaredError, long[] confusion, long rows) {
        this.lossSum = lossSum;
        this.squaredError = squaredError;
        this.confusion = confusion;
        this.rows = rows;
    }

    static Score of(Evaluation e) {
        int k = e.confusion().length;
        long[] counts = new long[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                counts[i * k + j] = e.confusion()[i][j];
            }
        }
        double squaredError = Double.isNaN(e.rmse()) ? 0 : e.rmse() * e.rmse() * e.size();
        return new Score(e.loss() * e.size(), squaredError, counts, e.size());
    }

    static Score add(Score a, Score b) {
        long[] counts = a.confusion.length >= b.confusion.length ? a.confusion.clone() : b.confusion.clone();
        long[] other = a.confusion.length >= b.confusion.length ? b.confusion : a.confusion;
        for (int i = 0; i < other.length; i++) {
            counts[i] += other[i];
        }
        return new Score(a.lossSum + b.lossSum, a.squaredError + b.squaredError, counts, a.rows + b.rows);
    }

    /** As numbers for the driver's line: loss sum, squared error, rows, then the confusion counts. */
    double[] toNumbers() {
        double[] v = new double[3 + confusion.length];
        v[0] = lossSum;
        v[1] = squaredError;
        v[2] = rows;
        for (int i = 0; i < confusion.length; i++) {
            v[3 + i] = confusion[i];
        }
        return v;
    }

    /** The score {@link #toNumbers()} wrote. */
    static Score fromNumbers(double[] v) {
        long[] counts = new long[v.length - 3];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (long) v[3 + i];
        }
        return new Score(v[0], v[1], counts, (long) v[2]);
    }

    /** The evaluation of all partitions together, as core computes it for one data set. */
    Evaluation evaluation(boolean classification) {
        int k = (int) Math.round(Math.sqrt(confusion.length));
        int[][] matrix = new int[k][k];
        long correct = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                matrix[i][j] = Math.toIntExact(confusion[i * k + j]);
            }
            correct += confusion[i * k + i];
        }
        int size = Math.toIntExact(rows);
        return classification
                ? new Evaluation(lossSum / rows, (double) correct / rows, matrix, Double.NaN, size)
                : new Evaluation(lossSum / rows, Double.NaN, matrix, Math.sqrt(squaredError / rows), size);
    }
}
