package backprop.calc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A scalar local derivative written twice, as a worked solution does: in symbols
 * ({@code r1 * s1 * (1 - s1)}) and with the numbers put in ({@code 2 * 0.88 * (1 - 0.88)}).
 * Only what reads well by hand is supported; {@link #derivative} answers {@code null} for the
 * rest (matmul, reductions, losses), and the explanation then shows the engine's number alone.
 * Each function's own rule is its {@link Builtin} entry's; this class applies the chain rule
 * through the operators and builds the text.
 *
 * @param symbols the formula in names
 * @param numbers the same formula with every name replaced by its value
 * @param precedence how tightly the formula binds (as {@link Exprs#precedence}), for parentheses
 */
record Formula(String symbols, String numbers, int precedence) {
    static final Formula ZERO = constant("0");
    static final Formula ONE = constant("1");

    static Formula constant(String text) {
        return new Formula(text, text, text.startsWith("-") ? 3 : 5);
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
                return binary(b);
            } else if (e instanceof Expr.Call c) {
                return call(c);
            }
            return null;   // list literals: not a scalar
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
                    Formula viaExponent = dv.isZero() ? ZERO : mul(mul(of(b), apply("log", u)), dv);   // d(u^v)/dv = u^v ln u
                    return add(viaBase, viaExponent);
                }
                default: return null;
            }
        }

        private Formula call(Expr.Call c) {
            List<Formula> args = new ArrayList<>();
            List<Formula> derivatives = new ArrayList<>();
            for (Expr arg : c.args()) {
                Formula d = d(arg);
                if (d == null) {
                    return null;
                }
                args.add(of(arg));
                derivatives.add(d);
            }
            return c.function().derivative(new Builtin.Chain(of(c), args, derivatives));
        }

        /** The expression itself, in names (a node's whole definition reads as the node's name) and numbers. */
        private Formula of(Expr e) {
            if (self != null && e == self.expr() && self.kind() == NodeKind.NODE) {
                return new Formula(self.name(), value.apply(self.name()), 5);
            }
            if (e instanceof Expr.Ref r) {
                return new Formula(r.name(), value.apply(r.name()), 5);
            }
            if (e instanceof Expr.Num n) {
                return constant(n.text());
            }
            return new Formula(Exprs.print(e), Exprs.print(substitute(e)), Exprs.precedence(e));
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

    // ---- Building formulas, with the simplifications a hand derivation makes -----------------

    static Formula add(Formula a, Formula b) {
        if (a.isZero()) {
            return b;
        }
        if (b.isZero()) {
            return a;
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

    static Formula mul(Formula a, Formula b) {
        if (a.isZero() || b.isZero()) {
            return ZERO;
        }
        if (a.isOne()) {
            return b;
        }
        if (b.isOne()) {
            return a;
        }
        return infix(a, " * ", b, 2, false);
    }

    static Formula div(Formula a, Formula b) {
        if (a.isZero()) {
            return ZERO;
        }
        return infix(a, " / ", b, 2, true);
    }

    static Formula pow(Formula a, Formula b) {
        return new Formula(wrap(a.symbols, a.precedence, 5) + "^" + wrap(b.symbols, b.precedence, 4),
                wrap(a.numbers, a.precedence, 5) + "^" + wrap(b.numbers, b.precedence, 4), 4);
    }

    static Formula neg(Formula a) {
        if (a.isZero()) {
            return ZERO;
        }
        return new Formula("-" + wrap(a.symbols, a.precedence, 4), "-" + wrap(a.numbers, a.precedence, 4), 3);
    }

    static Formula apply(String function, Formula a) {
        return new Formula(function + "(" + a.symbols + ")", function + "(" + a.numbers + ")", 5);
    }

    /** {@code [u > 0]}: 1 where the comparison holds, else 0. */
    static Formula indicator(Formula a, String comparison, Formula b) {
        return new Formula("[" + a.symbols + comparison + b.symbols + "]", "[" + a.numbers + comparison + b.numbers + "]", 5);
    }

    private static Formula infix(Formula a, String op, Formula b, int p, boolean rightStrict) {
        return new Formula(wrap(a.symbols, a.precedence, p) + op + wrap(b.symbols, b.precedence, rightStrict ? p + 1 : p),
                wrap(a.numbers, a.precedence, p) + op + wrap(b.numbers, b.precedence, rightStrict ? p + 1 : p), p);
    }

    private static String wrap(String s, int precedence, int context) {
        return precedence < context ? "(" + s + ")" : s;
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
            }
            return e;
        }
    }
}
