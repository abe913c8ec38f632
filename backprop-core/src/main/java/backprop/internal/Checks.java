package backprop.internal;

/** Preconditions with messages in one string literal each: {@code <where>: <rule>; got <value>}. */
public final class Checks {
    private Checks() {}

    /** Throws {@link IllegalArgumentException} with the formatted message unless {@code condition}. */
    public static void require(boolean condition, String template, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(template.formatted(args));
        }
    }

    /** Throws {@link IllegalStateException} with the formatted message unless {@code condition}. */
    public static void requireState(boolean condition, String template, Object... args) {
        if (!condition) {
            throw new IllegalStateException(template.formatted(args));
        }
    }
}
