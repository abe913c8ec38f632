package backprop.data;

/** Parsing one CSV cell as a number, with the reason when it is not one. */
final class Numbers {
    private Numbers() {}

    /** What was wrong with a cell, or {@code null} when it parsed. */
    enum Problem { EMPTY, NOT_A_NUMBER, NOT_FINITE }

    /** A parse result: {@code value} when {@code problem == null}. */
    record Parsed(double value, Problem problem) {}

    private static final Parsed EMPTY = new Parsed(0, Problem.EMPTY);
    private static final Parsed NAN = new Parsed(0, Problem.NOT_A_NUMBER);
    private static final Parsed INF = new Parsed(0, Problem.NOT_FINITE);

    /**
     * Parses a decimal number such as {@code -1.5e3}, surrounding spaces allowed. Java-only
     * spellings that {@link Double#parseDouble} would take ({@code 1f}, {@code 0x1p3}) are not
     * numbers in a CSV; {@code NaN}, {@code Infinity}, {@code inf} and numbers beyond float
     * range are numbers but not finite ones, which training cannot use.
     */
    static Parsed parse(String cell) {
        String s = cell.strip();
        if (s.isEmpty()) {
            return EMPTY;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
            if (!ok) {
                String t = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
                return switch (t.toLowerCase(java.util.Locale.ROOT)) {
                    case "nan", "inf", "infinity" -> INF;
                    default -> NAN;
                };
            }
        }
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return NAN;
        }
        return Math.abs(v) > Float.MAX_VALUE ? INF : new Parsed(v, null);
    }
}
