package backprop.app;

import backprop.InputException;
import java.util.function.Function;

/** Checks of option values, reported as {@code --flag: rule; got value} with exit status 2. */
public final class Options {
    private Options() {}

    public static void require(boolean condition, String flag, String rule, Object value) {
        if (!condition) {
            throw new InputException(flag + ": " + rule + "; got " + value);
        }
    }

    /** Parses a word option with {@code parse}, turning its refusal into a message naming the flag. */
    public static <T> T choice(String flag, String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new InputException(flag + ": " + e.getMessage());
        }
    }
}
