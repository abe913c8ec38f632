package backprop.calc;

import java.util.List;

/** An expression of the calculator language; each node remembers where it is written. */
public sealed interface Expr {
    /**
     * {@return where an error about this expression points: the operator of a binary expression or
     * of a unary minus, a function's name, an index's or list's opening bracket, a name's or
     * number's first character}
     */
    Pos pos();

    /**
     * A number literal, with its spelling (for {@code sum}'s axis).
     *
     * @param value the number the spelling denotes, rounded to the nearest double
     * @param text the digits as written: {@code 1e-3}, {@code 007}
     * @param pos its first character
     */
    record Num(double value, String text, Pos pos) implements Expr {}

    /**
     * A use of a defined name.
     *
     * @param name the node's name; checked by {@link Parser#parse} to be defined before this use
     * @param pos its first character
     */
    record Ref(String name, Pos pos) implements Expr {}

    /**
     * {@code [e1, e2, ...]}: a vector of scalars or a matrix whose rows are vectors. Whether the
     * elements' shapes fit is checked when it is evaluated.
     *
     * @param elements at least one, in order; unmodifiable
     * @param pos the opening bracket
     */
    record ListLit(List<Expr> elements, Pos pos) implements Expr {
        /**
         * Copies the elements.
         *
         * @param elements at least one, in order; not null and without nulls; copied
         * @param pos the opening bracket
         */
        public ListLit {
            elements = List.copyOf(elements);
        }
    }

    /**
     * Postfix indexing {@code x[i]}, {@code m[i, j]}, {@code m[i, :]}, {@code m[:, j]}: 0-based,
     * negative indices counting from the end; {@code pos} is the bracket's.
     *
     * @param target the expression indexed, a vector for one index and a matrix for two (checked
     *     when evaluated)
     * @param indices one or two entries, each an integer as written or {@code null} for {@code :};
     *     unmodifiable
     * @param pos the opening bracket
     */
    record Index(Expr target, List<Integer> indices, Pos pos) implements Expr {
        /**
         * Copies the indices, nulls kept.
         *
         * @param target the expression indexed
         * @param indices one or two entries, each an integer or {@code null} for {@code :}; copied
         * @param pos the opening bracket
         */
        public Index {
            indices = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(indices));   // null is ':'
        }
    }

    /**
     * Unary minus, {@code -operand}.
     *
     * @param operand the expression negated
     * @param pos the minus sign
     */
    record Neg(Expr operand, Pos pos) implements Expr {}

    /**
     * {@code left op right}.
     *
     * @param op the operator
     * @param left its left operand
     * @param right its right operand
     * @param pos the operator
     */
    record Binary(Op op, Expr left, Expr right, Pos pos) implements Expr {}

    /**
     * {@code function(args)}.
     *
     * @param function the function called
     * @param args from {@link Builtin#minArgs()} to {@link Builtin#maxArgs()} arguments, as
     *     {@link Parser#parse} checks; literal axes and sizes included; unmodifiable
     * @param pos the function's name
     */
    record Call(Builtin function, List<Expr> args, Pos pos) implements Expr {
        /**
         * Copies the arguments.
         *
         * @param function the function called
         * @param args the arguments in order; not null and without nulls; copied
         * @param pos the function's name
         */
        public Call {
            args = List.copyOf(args);
        }
    }

    /** The binary operators, with their spelling ({@code **} is read as {@code ^}). */
    enum Op {
        /** {@code a + b}, element-wise, broadcasting. */
        ADD("+"),
        /** {@code a - b}, element-wise, broadcasting. */
        SUB("-"),
        /** {@code a * b}, element-wise, broadcasting. */
        MUL("*"),
        /** {@code a / b}, element-wise, broadcasting; d(a/b)/db = -a/b^2. */
        DIV("/"),
        /** {@code a @ b}, NumPy's matmul for vectors and matrices. */
        MATMUL("@"),
        /** {@code a ^ b}, also written {@code a ** b}, element-wise; differentiated in both operands. */
        POW("^");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        /** {@return how the operator is printed: {@code +}, {@code -}, {@code *}, {@code /}, {@code @} or {@code ^}} */
        public String symbol() {
            return symbol;
        }
    }
}
