package backprop.calc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A derivative written twice, as a worked solution does: in symbols
 * ({@code r1 * s1 * (1 - s1)}) and with the numbers put in ({@code 2 * 0.88 * (1 - 0.88)}).
 * Scalar programs use both; the matrix form of {@code --explain} prints the symbols alone
 * ({@code W2^T delta_z}, {@code delta_r (.) [a > 0]}). Each function's own rule is its
 * {@link Builtin} entry's; this class applies the chain rule through the operators of a scalar
 * expression and builds the text, simplifying as a hand derivation does (no {@code 1 *}, no
 * {@code + 0}). {@link #derivative} answers {@code null} where no hand-sized form exists.
 *
 * @param symbols the formula in names
 * @param numbers the same formula with every name replaced by its value
 * @param precedence how tightly the formula binds (as {@link Exprs#precedence}), for parentheses
 * @param op the outermost operator ({@code " * "}, {@code " (.) "}, {@code " "} for a matrix
 *     product), or {@code ""}: products of different kinds are parenthesised against each other
 */
record Formula(String symbols, String numbers, int precedence, String op) {
    static final Formula ZERO = constant("0");
    static final Formula ONE = constant("1");
    private static final String HADAMARD = " (.) ";
    private static final String MATMUL = " ";

    /** A number as written. */
    static Formula constant(String text) {
        return new Formula(text, text, text.startsWith("-") ? 3 : 5, "");
    }

    /** A name, or any text that reads as one unit, with its value. */
    static Formula atom(String symbols, String numbers) {
        return new Formula(symbols, numbers, 5, "");
    }

    boolean isZero() {
        return symbols.equals("0");
    }

    boolean isOne() {
        return symbols.equals("1");
    }

    /**
     * d(e)/d(name) for a scalar expression, or {@code null} when it has no hand-sized form.
     *
     * @param self the node whose whole definition {@code e} is: {@code sigmoid(...)} then reads {@code s1 * (1 - s1)}
     * @param value a named node's value as it reads in the numbers (scalars only)
     */
    static Formula derivative(Expr e, String name, Definition self, Function<String, String> value) {
        return new Rules(name, self, value).d(e);
    }

    private record Rules(String name, Definition self, Function<String, String> value) {
        Formula d(Expr e) {
            if (e instanceof Expr.Num) {
                return ZERO;
            } else if (e instanceof Expr.Ref r) {
                return r.name().equals(name) ? ONE : ZERO;
            } else if (e instanceof Expr.Neg n) {
                Formula du = d(n.operand());
                return du == null ? null : neg(du);
            } else if (e instanceof Expr.Binary b) {
                Expr sigmoidOf = sigmoidArgument(b);
                return sigmoidOf != null ? call(Builtin.SIGMOID, List.of(sigmoidOf), of(b)) : binary(b);
            } else if (e instanceof Expr.Call c) {
                return call(c.function(), c.args(), of(c));
            }
            return null;   // list literals and indexing: not scalar operations
        }

        private Formula binary(Expr.Binary b) {
            if (b.op() == Expr.Op.MATMUL) {
                return null;
            }
            Formula du = d(b.left());
            Formula dv = d(b.right());
            if (du == null || dv == null) {
                return null;
            }
            Formula u = of(b.left());
            Formula v = of(b.right());
            switch (b.op()) {
                case ADD: return add(du, dv);
                case SUB: return sub(du, dv);
                case MUL: return add(mul(du, v), mul(u, dv));                         // (uv)' = u'v + uv'
                case DIV:
                    if (dv.isZero()) {
                        return div(du, v);
                    }
                    return div(sub(mul(du, v), mul(u, dv)), pow(v, constant("2")));     // (u/v)' = (u'v - uv')/v^2
                case POW: {
                    Formula viaBase = mul(mul(v, pow(u, minusOne(b.right()))), du);           // d(u^v)/du = v u^(v-1)
                    Formula viaExponent = dv.isZero() ? ZERO : mul(mul(of(b), apply("ln", u)), dv);   // d(u^v)/dv = u^v ln u
                    return add(viaBase, viaExponent);
                }
                default: return null;
            }
        }

        /** The chain rule through a function: the sum over its arguments of d(arg) times the function's own rule. */
        private Formula call(Builtin function, List<Expr> arguments, Formula selfFormula) {
            List<Formula> args = new ArrayList<>();
            List<Formula> derivatives = new ArrayList<>();
            for (Expr arg : arguments) {
                Formula d = d(arg);
                if (d == null) {
                    return null;
                }
                args.add(of(arg));
                derivatives.add(d);
            }
            Builtin.Chain chain = Builtin.Chain.scalar(selfFormula, args);
            Formula total = ZERO;
            for (int i = 0; i < args.size(); i++) {
                if (!function.isLiteral(i) && !derivatives.get(i).isZero()) {
                    Formula local = function.adjoint(chain, i, ONE);
                    if (local == null) {
                        return null;
                    }
                    total = add(total, mul(derivatives.get(i), local));    // the argument's derivative first: r1 * s1 * (1 - s1)
                }
            }
            return total;
        }

        /** The expression itself, in names (a node's whole definition reads as the node's name) and numbers. */
        private Formula of(Expr e) {
            if (self != null && e == self.expr() && self.kind() == NodeKind.NODE) {
                return atom(self.name(), value.apply(self.name()));
            }
            if (e instanceof Expr.Ref r) {
                return atom(r.name(), value.apply(r.name()));
            }
            if (e instanceof Expr.Num n) {
                return constant(n.text());
            }
            return new Formula(Exprs.print(e), Exprs.print(substitute(e)), Exprs.precedence(e), "");
        }

        private Expr substitute(Expr e) {
            return Substitution.apply(e, value);
        }

        private Formula minusOne(Expr exponent) {
            if (exponent instanceof Expr.Num n) {
                return constant(Numbers.format(n.value() - 1));
            }
            return sub(of(exponent), ONE);
        }
    }

    /** {@code u} when {@code b} is the sigmoid written out, {@code 1 / (1 + exp(-u))}, whose derivative the course writes s (1 - s). */
    private static Expr sigmoidArgument(Expr.Binary b) {
        if (b.op() == Expr.Op.DIV && isOne(b.left()) && b.right() instanceof Expr.Binary sum && sum.op() == Expr.Op.ADD
                && isOne(sum.left()) && sum.right() instanceof Expr.Call exp && exp.function() == Builtin.EXP
                && negated(exp.args().get(0)) != null) {
            return negated(exp.args().get(0));
        }
        return null;
    }

    /** {@code u} for {@code -u}, and {@code b * r} for {@code -b * r} (which parses as {@code (-b) * r}). */
    private static Expr negated(Expr e) {
        if (e instanceof Expr.Neg n) {
            return n.operand();
        }
        if (e instanceof Expr.Binary b && (b.op() == Expr.Op.MUL || b.op() == Expr.Op.DIV) && negated(b.left()) != null) {
            return new Expr.Binary(b.op(), negated(b.left()), b.right(), b.pos());
        }
        return null;
    }

    private static boolean isOne(Expr e) {
        return e instanceof Expr.Num n && n.value() == 1;
    }

    // ---- Building formulas, with the simplifications a hand derivation makes -----------------

    static Formula add(Formula a, Formula b) {
        if (a.isZero()) {
            return b;
        }
        if (b.isZero()) {
            return a;
        }
        if (b.precedence == 3 && b.symbols.startsWith("-")) {
            return sub(a, neg(b));
        }
        return infix(a, " + ", b, 1, false);
    }

    static Formula sub(Formula a, Formula b) {
        if (b.isZero()) {
            return a;
        }
        if (a.isZero()) {
            return neg(b);
        }
        return infix(a, " - ", b, 1, true);
    }

    /** A product of scalars, or a scalar times a matrix. */
    static Formula mul(Formula a, Formula b) {
        return product(a, " * ", b);
    }

    /** The element-wise (Hadamard) product, written {@code (.)}. */
    static Formula hadamard(Formula a, Formula b) {
        return product(a, HADAMARD, b);
    }

    /** {@code a op b} for a product, simplified where a factor is 0 or 1. */
    private static Formula product(Formula a, String op, Formula b) {
        if (a.isZero() || b.isZero()) {
            return ZERO;
        }
        if (a.isOne()) {
            return b;
        }
        if (b.isOne()) {
            return a;
        }
        return infix(a, op, b, 2, false);
    }

    /** The matrix product, written as juxtaposition: {@code W2^T delta_z}. */
    static Formula matmul(Formula a, Formula b) {
        return infix(a, MATMUL, b, 2, false);
    }

    /** {@code a^T}; vectors are columns in this notation, so {@code h^T} is a row. */
    static Formula transpose(Formula a) {
        if (a.precedence() == 5 && a.symbols.endsWith("^T")) {
            String s = a.symbols.substring(0, a.symbols.length() - 2);
            return atom(s, a.numbers.endsWith("^T") ? a.numbers.substring(0, a.numbers.length() - 2) : a.numbers);
        }
        return new Formula(wrap(a, 5, "") + "^T", wrapNumbers(a, 5, "") + "^T", 5, "");
    }

    static Formula div(Formula a, Formula b) {
        if (a.isZero()) {
            return ZERO;
        }
        if (b.isOne()) {
            return a;
        }
        return infix(a, " / ", b, 2, true);
    }

    static Formula pow(Formula a, Formula b) {
        return new Formula(wrap(a, 5, "") + "^" + wrap(b, 4, ""), wrapNumbers(a, 5, "") + "^" + wrapNumbers(b, 4, ""), 4, "");
    }

    static Formula neg(Formula a) {
        if (a.isZero()) {
            return ZERO;
        }
        if (a.symbols.startsWith("-") && a.precedence == 3) {
            return new Formula(a.symbols.substring(1), a.numbers.substring(1), 4, "");
        }
        return new Formula("-" + wrap(a, 4, ""), "-" + wrapNumbers(a, 4, ""), 3, "");
    }

    static Formula apply(String function, Formula... args) {
        String s = java.util.Arrays.stream(args).map(Formula::symbols).collect(java.util.stream.Collectors.joining(", "));
        String n = java.util.Arrays.stream(args).map(Formula::numbers).collect(java.util.stream.Collectors.joining(", "));
        return atom(function + "(" + s + ")", function + "(" + n + ")");
    }

    /** {@code [u > 0]}: 1 where the comparison holds, else 0. */
    static Formula indicator(Formula a, String comparison, Formula b) {
        return atom("[" + a.symbols + comparison + b.symbols + "]", "[" + a.numbers + comparison + b.numbers + "]");
    }

    private static Formula infix(Formula a, String op, Formula b, int p, boolean rightStrict) {
        String rightOp = rightStrict ? null : op;
        return new Formula(wrap(a, p, op) + op + wrap(b, rightStrict ? p + 1 : p, rightOp),
                wrapNumbers(a, p, op) + op + wrapNumbers(b, rightStrict ? p + 1 : p, rightOp), p, op);
    }

    private static String wrap(Formula f, int context, String op) {
        return needsParentheses(f, context, op) ? "(" + f.symbols + ")" : f.symbols;
    }

    private static String wrapNumbers(Formula f, int context, String op) {
        return needsParentheses(f, context, op) ? "(" + f.numbers + ")" : f.numbers;
    }

    /** Lower precedence, or a product of another kind: {@code (W^T d) (.) m}, {@code (a (.) b) * c}. */
    private static boolean needsParentheses(Formula f, int context, String op) {
        if (f.precedence != context || f.op.isEmpty() || op == null || op.isEmpty()) {
            return f.precedence < context;
        }
        return family(f.op) != family(op);
    }

    private static int family(String op) {
        return switch (op) {
            case HADAMARD -> 1;
            case MATMUL -> 2;
            default -> 0;     // + - * /
        };
    }

    /** Replaces names by number literals, for the numbers line. */
    private static final class Substitution {
        static Expr apply(Expr e, Function<String, String> value) {
            if (e instanceof Expr.Ref r) {
                String v = value.apply(r.name());
                return new Expr.Num(0, v.startsWith("-") ? "(" + v + ")" : v, r.pos());   // 2 * (-1), as by hand
            } else if (e instanceof Expr.Neg n) {
                return new Expr.Neg(apply(n.operand(), value), n.pos());
            } else if (e instanceof Expr.Binary b) {
                return new Expr.Binary(b.op(), apply(b.left(), value), apply(b.right(), value), b.pos());
            } else if (e instanceof Expr.Call c) {
                return new Expr.Call(c.function(), c.args().stream().map(x -> apply(x, value)).toList(), c.pos());
            } else if (e instanceof Expr.ListLit l) {
                return new Expr.ListLit(l.elements().stream().map(x -> apply(x, value)).toList(), l.pos());
            } else if (e instanceof Expr.Index i) {
                return new Expr.Index(apply(i.target(), value), i.indices(), i.pos());
            }
            return e;
        }
    }
}
