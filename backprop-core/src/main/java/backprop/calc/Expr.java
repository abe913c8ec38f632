package backprop.calc;

import java.util.List;

/** An expression of the calculator language; each node remembers where it is written. */
public sealed interface Expr {
    /** Where an error about this expression points: the operator of a binary expression, a function's name. */
    Pos pos();

    /** A number literal, with its spelling (for {@code sum}'s axis). */
    record Num(double value, String text, Pos pos) implements Expr {}

    /** A use of a defined name. */
    record Ref(String name, Pos pos) implements Expr {}

    /** {@code [e1, e2, ...]}: a vector of scalars or a matrix whose rows are vectors. */
    record ListLit(List<Expr> elements, Pos pos) implements Expr {
        public ListLit {
            elements = List.copyOf(elements);
        }
    }

    /**
     * Postfix indexing {@code x[i]}, {@code m[i, j]}, {@code m[i, :]}, {@code m[:, j]}: 0-based,
     * negative indices counting from the end; {@code pos} is the bracket's.
     *
     * @param indices one or two entries, each an integer as written or {@code null} for {@code :}
     */
    record Index(Expr target, List<Integer> indices, Pos pos) implements Expr {
        public Index {
            indices = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(indices));   // null is ':'
        }
    }

    /** Unary minus. */
    record Neg(Expr operand, Pos pos) implements Expr {}

    /** {@code left op right}; {@code pos} is the operator's. */
    record Binary(Op op, Expr left, Expr right, Pos pos) implements Expr {}

    /** {@code function(args)}; {@code pos} is the function name's. */
    record Call(Builtin function, List<Expr> args, Pos pos) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** The binary operators, with their spelling ({@code **} is read as {@code ^}). */
    enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MATMUL("@"), POW("^");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        /** How the operator is printed. */
        public String symbol() {
            return symbol;
        }
    }
}
