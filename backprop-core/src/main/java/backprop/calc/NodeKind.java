package backprop.calc;

import java.util.Locale;

/** What a named node is: a leaf that is differentiated (input, param), a leaf that is not (const), or an interior node. */
public enum NodeKind {
    /** A leaf declared with {@code input}: the data; its gradient is reported and checked. */
    INPUT,
    /** A leaf declared with {@code param}: the weights; its gradient is reported and checked. */
    PARAM,
    /** A leaf declared with {@code const}: never differentiated (labels, targets); it has no gradient. */
    CONST,
    /** An interior node, {@code NAME = EXPR}; its adjoint is reported, not checked. */
    NODE;

    /** {@return true for {@link #INPUT} and {@link #PARAM}, the leaves whose gradient is checked by finite differences} */
    public boolean isVariable() {
        return this == INPUT || this == PARAM;
    }

    /** {@return the keyword in lower case ({@code input}, {@code param}, {@code const}), or {@code node}, as the table prints it} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
