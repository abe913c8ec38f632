package backprop.calc;

/**
 * One named node: {@code x = 1} in {@code input x = 1, y = 2} is one definition.
 *
 * @param name the name
 * @param kind input, param, const or node
 * @param expr its defining expression (for a leaf, only computes the leaf's starting value)
 * @param pos where the name is written
 */
public record Definition(String name, NodeKind kind, Expr expr, Pos pos) {
    /** {@return the line the definition is on, from 1: {@code pos().line()}} */
    public int line() {
        return pos.line();
    }
}
