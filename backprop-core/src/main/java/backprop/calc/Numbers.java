package backprop.calc;

import backprop.tensor.Tensor;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.StringJoiner;

/** How values read in the table, the explanation and the drawing: 12 decimals, or 12 significant digits below 1, no trailing zeros. */
public final class Numbers {
    private static final MathContext DIGITS = new MathContext(12);

    private Numbers() {}

    /**
     * A number as the table and the explanation write it: 12 decimals for magnitudes from 1 up to
     * 10^12, 12 significant digits otherwise (with an exponent outside 1e-5 up to 1), trailing
     * zeros stripped.
     *
     * @param v any double
     * @return {@code 0.880797077978}, {@code 1.380797077978}, {@code 2}, {@code -1.5e-8}; {@code 0}
     *     for -0; {@code NaN}, {@code Infinity}, {@code -Infinity} as Java spells them
     */
    public static String format(double v) {
        if (v == 0) {
            return "0";
        }
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a >= 1 && a < 1e12) {     // 12 decimals, as the spec's 1.380797077978
            return new BigDecimal(v).setScale(12, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        }
        BigDecimal b = new BigDecimal(v).round(DIGITS).stripTrailingZeros();
        return a >= 1e-5 && a < 1 ? b.toPlainString() : b.toString().replace("E", "e");
    }

    /**
     * A number in six significant digits, for a drawing's cells.
     *
     * @param v any double
     * @return {@code 0.601369}, {@code -1.20274}, {@code 2}; an exponent outside 1e-4 to 1e6
     *     ({@code 1.5e-8}); zero and non-finite values as {@link #format(double)}
     */
    public static String brief(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return format(v);
        }
        BigDecimal b = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
        double a = Math.abs(v);
        return a >= 1e-4 && a < 1e6 ? b.toPlainString() : b.toString().replace("E", "e");
    }

    /**
     * {@return a scalar as a number, a vector as {@code [1, 2]}, a matrix as {@code [[1, 2], [3, 4]]},
     * each number as {@link #format(double)} writes it}
     *
     * @param t a tensor of at most two dimensions; not modified
     */
    public static String format(Tensor t) {
        double[] v = t.toDoubleArray();
        if (t.rank() == 0) {
            return format(v[0]);
        }
        if (t.rank() == 1) {
            return row(v, 0, v.length);
        }
        int cols = t.shape()[1];
        StringJoiner rows = new StringJoiner(", ", "[", "]");
        for (int r = 0; r < t.shape()[0]; r++) {
            rows.add(row(v, r * cols, cols));
        }
        return rows.toString();
    }

    private static String row(double[] v, int from, int n) {
        StringJoiner row = new StringJoiner(", ", "[", "]");
        for (int i = from; i < from + n; i++) {
            row.add(format(v[i]));
        }
        return row.toString();
    }

    /**
     * {@return the shape as the table prints it: {@code scalar}, {@code 3}, {@code 2x3}}
     *
     * @param t any tensor
     */
    public static String shape(Tensor t) {
        if (t.rank() == 0) {
            return "scalar";
        }
        StringBuilder sb = new StringBuilder();
        for (int d : t.shape()) {
            sb.append(sb.length() == 0 ? "" : "x").append(d);
        }
        return sb.toString();
    }
}
