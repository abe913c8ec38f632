package backprop.calc;

import java.util.Arrays;
import java.util.Optional;

/**
 * The functions of the language: their spelling (reserved as names) and how many arguments
 * each takes. What they compute is {@link Evaluator}'s.
 */
public enum Builtin {
    EXP("exp", 1, 1), LOG("log", 1, 1), SQRT("sqrt", 1, 1), ABS("abs", 1, 1),
    SIGMOID("sigmoid", 1, 1), TANH("tanh", 1, 1), RELU("relu", 1, 1), SOFTPLUS("softplus", 1, 1),
    MAX("max", 2, 2), MIN("min", 2, 2),
    SUM("sum", 1, 2), MEAN("mean", 1, 2),
    SOFTMAX("softmax", 1, 1), LOG_SOFTMAX("log_softmax", 1, 1),
    TRANSPOSE("transpose", 1, 1), DOT("dot", 2, 2),
    BCE("bce", 2, 2), BCE_LOGITS("bce_logits", 2, 2), CROSS_ENTROPY("cross_entropy", 2, 2),
    LOGISTIC("logistic", 2, 2), SSE("sse", 2, 2), MSE("mse", 2, 2);

    private final String spelling;
    private final int minArgs;
    private final int maxArgs;

    Builtin(String spelling, int minArgs, int maxArgs) {
        this.spelling = spelling;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
    }

    /** The function named {@code name}, if it is one (case-sensitive: {@code Sum} is not). */
    public static Optional<Builtin> named(String name) {
        return Arrays.stream(values()).filter(b -> b.spelling.equals(name)).findFirst();
    }

    public String spelling() {
        return spelling;
    }

    public int minArgs() {
        return minArgs;
    }

    public int maxArgs() {
        return maxArgs;
    }

    /** How a call is written: {@code exp(x)}, {@code max(a, b)}, {@code sum(x) or sum(x, axis)}. */
    public String usage() {
        if (minArgs == 2) {
            return spelling + "(a, b)";
        }
        return spelling + "(x)" + (maxArgs == 2 ? " or " + spelling + "(x, axis)" : "");
    }

    /** How the argument count reads in an error: {@code 1 argument}, {@code 1 or 2 arguments}. */
    public String arity() {
        if (minArgs == maxArgs) {
            return minArgs + (minArgs == 1 ? " argument" : " arguments");
        }
        return minArgs + " or " + maxArgs + " arguments";
    }
}
