package backprop.cli;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Numbers as predict prints them: at float32 precision (the precision a network computes in),
 * in the fewest significant digits that read back as the same float32, and as plain decimals
 * ({@code 0.00088055735}, never Java's {@code 8.8055735E-4}) unless the number is below 1e-6 or
 * at least 1e21 in size, where a plain decimal would be a long run of zeros (JavaScript's rule).
 */
final class Decimals {
    private Decimals() {}

    /** {@code value} rounded to float32 and written as above; {@code NaN}, {@code Infinity} and {@code -Infinity} as Java spells them. */
    static String format(double value) {
        float f = (float) value;
        if (!Float.isFinite(f)) {
            return Float.toString(f);
        }
        if (f == 0) {
            return "0";
        }
        BigDecimal exact = new BigDecimal(f);
        BigDecimal shortest = exact;
        for (int digits = 1; digits <= 9; digits++) {
            BigDecimal candidate = exact.round(new MathContext(digits));
            if (candidate.floatValue() == f) {
                shortest = candidate;
                break;
            }
        }
        double size = Math.abs(f);
        if (size >= 1e-6 && size < 1e21) {
            return shortest.stripTrailingZeros().toPlainString();
        }
        return shortest.stripTrailingZeros().toString().replace("E+", "e").replace("E", "e");
    }
}
