package backprop.calc;

import java.util.Locale;

/** What a named node is: a leaf that is differentiated (input, param), a leaf that is not (const), or an interior node. */
public enum NodeKind {
    INPUT, PARAM, CONST, NODE;

    /** True for the leaves whose gradient is reported and checked. */
    public boolean isVariable() {
        return this == INPUT || this == PARAM;
    }

    /** The keyword, or {@code node}, as the table prints it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
