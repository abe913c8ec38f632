package backprop.calc;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.StringJoiner;

/** Reading an expression back: the names it uses, and its text as the user would write it. */
public final class Exprs {
    private Exprs() {}

    /**
     * {@return a new set of the names {@code e} uses, in the order they first appear; function names
     * are not names here}
     *
     * @param e any expression
     */
    public static Set<String> refs(Expr e) {
        Set<String> out = new LinkedHashSet<>();
        collect(e, out);
        return out;
    }

    private static void collect(Expr e, Set<String> out) {
        if (e instanceof Expr.Ref r) {
            out.add(r.name());
        } else if (e instanceof Expr.Neg n) {
            collect(n.operand(), out);
        } else if (e instanceof Expr.Binary b) {
            collect(b.left(), out);
            collect(b.right(), out);
        } else if (e instanceof Expr.ListLit l) {
            l.elements().forEach(x -> collect(x, out));
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(x -> collect(x, out));
        } else if (e instanceof Expr.Index i) {
            collect(i.target(), out);
        }
    }

    /**
     * The expression as the user would write it: single spaces around binary operators, none after
     * a unary minus, {@code ", "} between arguments and elements, {@code **} as {@code ^}, numbers
     * as spelled, and only the parentheses precedence needs.
     *
     * @param e any expression
     * @return one line of the language that parses back to the same tree: {@code r1 * s1 * (1 - s1)}
     */
    public static String print(Expr e) {
        return print(e, 0);
    }

    /** Binding strength: 1 for + -, 2 for * / @, 3 for unary minus, 4 for ^, 5 for atoms and indexing. */
    static int precedence(Expr e) {
        if (e instanceof Expr.Binary b) {
            return switch (b.op()) {
                case ADD, SUB -> 1;
                case MUL, DIV, MATMUL -> 2;
                case POW -> 4;
            };
        }
        return e instanceof Expr.Neg ? 3 : 5;
    }

    /** {@code [1, :]}, {@code [-1]}: indices as written, {@code :} for a whole axis. */
    static String indices(java.util.List<Integer> indices) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        indices.forEach(i -> j.add(i == null ? ":" : String.valueOf(i)));
        return j.toString();
    }

    private static String print(Expr e, int context) {
        String s;
        if (e instanceof Expr.Num n) {
            s = n.text();
        } else if (e instanceof Expr.Ref r) {
            s = r.name();
        } else if (e instanceof Expr.Neg n) {
            s = "-" + print(n.operand(), 3);
        } else if (e instanceof Expr.Binary b) {
            int p = precedence(e);
            boolean rightAssoc = b.op() == Expr.Op.POW;
            s = print(b.left(), rightAssoc ? p + 1 : p) + " " + b.op().symbol() + " "
                    + print(b.right(), rightAssoc ? (b.right() instanceof Expr.Neg ? 3 : p) : p + 1);
        } else if (e instanceof Expr.ListLit l) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            l.elements().forEach(x -> j.add(print(x, 0)));
            s = j.toString();
        } else if (e instanceof Expr.Index i) {
            s = print(i.target(), 5) + indices(i.indices());
        } else {
            Expr.Call c = (Expr.Call) e;
            StringJoiner j = new StringJoiner(", ", c.function().spelling() + "(", ")");
            c.args().forEach(x -> j.add(print(x, 0)));
            s = j.toString();
        }
        return precedence(e) < context ? "(" + s + ")" : s;
    }
}
