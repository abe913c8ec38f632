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

    /** The binary operators, with their spelling. */
    enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MATMUL("@"), POW("^");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }
}
