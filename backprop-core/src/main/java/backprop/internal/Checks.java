package backprop.internal;

import java.util.Arrays;

/**
 * Preconditions with messages in one string literal each: {@code <where>: <rule>; got <value>}.
 * The message is formatted only when the check fails, and {@code int[]} arguments (shapes) are
 * printed as {@code [2, 3]}, so checks cost nothing on hot paths.
 */
public final class Checks {
    private Checks() {}

    /** Throws {@link IllegalArgumentException} with the formatted message unless {@code condition}. */
    public static void require(boolean condition, String template, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(format(template, args));
        }
    }

    /** Throws {@link IllegalStateException} with the formatted message unless {@code condition}. */
    public static void requireState(boolean condition, String template, Object... args) {
        if (!condition) {
            throw new IllegalStateException(format(template, args));
        }
    }

    private static String format(String template, Object[] args) {
        Object[] shown = args.clone();
        for (int i = 0; i < shown.length; i++) {
            if (shown[i] instanceof int[] shape) {
                shown[i] = Arrays.toString(shape);
            }
        }
        return template.formatted(shown);
    }
}
