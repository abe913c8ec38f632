package backprop.calc;

import static backprop.calc.Formula.ONE;
import static backprop.calc.Formula.apply;
import static backprop.calc.Formula.atom;
import static backprop.calc.Formula.constant;
import static backprop.calc.Formula.div;
import static backprop.calc.Formula.hadamard;
import static backprop.calc.Formula.matmul;
import static backprop.calc.Formula.mul;
import static backprop.calc.Formula.neg;
import static backprop.calc.Formula.pow;
import static backprop.calc.Formula.sub;
import static backprop.calc.Formula.transpose;

import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The chain rule through one definition in matrix notation: every name the definition uses gets
 * its share of the adjoint, as a formula of the node's own adjoint {@code g}. The operators'
 * rules are here (with the course's names: {@code W^T delta}, {@code delta h^T}, a bias summed
 * over the batch); each function's rule is its {@link Builtin} entry's.
 */
final class Adjoints {
    /**
     * One share of a name's adjoint.
     *
     * @param name the name that receives it
     * @param formula the share, in symbols
     * @param rules the rules applied on the way, as a course names them (may be empty)
     */
    record Share(String name, Formula formula, List<String> rules) {}

    private final Definition node;
    private final Map<Expr, Tensor> values;
    private final List<Share> shares = new ArrayList<>();

    private Adjoints(Definition node, Map<Expr, Tensor> values) {
        this.node = node;
        this.values = values;
    }

    /**
     * The shares of the names {@code node} uses, in the order they are written.
     *
     * @param g the node's adjoint, in symbols ({@code delta_z}, or {@code 1} for the output)
     * @param values every sub-expression's value ({@link Evaluator#subValues})
     */
    static List<Share> of(Definition node, Formula g, Map<Expr, Tensor> values) {
        Adjoints a = new Adjoints(node, values);
        a.walk(node.expr(), g, List.of());
        return a.shares;
    }

    private void walk(Expr e, Formula g, List<String> rules) {
        if (g.isZero()) {
            return;
        }
        if (e instanceof Expr.Ref r) {
            shares.add(new Share(r.name(), g, rules));
        } else if (e instanceof Expr.Neg n) {
            walk(n.operand(), neg(g), rules);
        } else if (e instanceof Expr.ListLit l) {
            for (int i = 0; i < l.elements().size(); i++) {
                walk(l.elements().get(i), atom(wrapped(g) + "[" + i + "]", ""), rules);   // element i of a list gets g[i]
            }
        } else if (e instanceof Expr.Index i) {
            walk(i.target(), atom("(" + g.symbols() + " at " + Exprs.indices(i.indices()) + ", 0 elsewhere)", ""),
                    with(rules, "indexing: the selected elements alone"));
        } else if (e instanceof Expr.Binary b) {
            binary(b, g, rules);
        } else if (e instanceof Expr.Call c) {
            call(c, g, rules);
        }
    }

    private void binary(Expr.Binary b, Formula g, List<String> rules) {
        Expr left = b.left();
        Expr right = b.right();
        Formula u = of(left);
        Formula v = of(right);
        switch (b.op()) {
            case ADD -> {
                walkUnbroadcast(left, g, b, rules);
                walkUnbroadcast(right, g, b, rules);
            }
            case SUB -> {
                walkUnbroadcast(left, g, b, rules);
                walkUnbroadcast(right, neg(g), b, rules);
            }
            case MUL -> {
                walkUnbroadcast(left, times(g, v, b, right), b, rules);                   // d(uv)/du = v
                walkUnbroadcast(right, times(g, u, b, left), b, rules);
            }
            case DIV -> {
                walkUnbroadcast(left, div(g, v), b, rules);                               // d(u/v)/du = 1/v
                walkUnbroadcast(right, neg(div(times(g, u, b, left), pow(v, constant("2")))), b, rules);   // -u/v^2
            }
            case POW -> {
                Formula exponent = right instanceof Expr.Num n ? constant(Numbers.format(n.value() - 1)) : sub(v, ONE);
                walkUnbroadcast(left, times(times(g, v, b, right), pow(u, exponent), b, left), b, rules);   // v u^(v-1)
                if (!(right instanceof Expr.Num)) {
                    walkUnbroadcast(right, times(times(g, of(b), b, b), apply("ln", u), b, left), b, rules);  // u^v ln u
                }
            }
            case MATMUL -> product(b, g, rules);
            default -> throw new AssertionError(b.op());
        }
    }

    /**
     * {@code A @ B}: the course's rules by the operands' ranks. A transposed operand
     * {@code transpose(W)} passes the transpose on to W at once: {@code delta^T H}, not {@code (H^T delta)^T}.
     */
    private void product(Expr.Binary b, Formula g, List<String> rules) {
        Expr left = b.left();
        Expr right = b.right();
        int ra = value(left).rank();
        int rb = value(right).rank();
        Formula a = of(left);
        Formula c = of(right);
        if (ra == 1 && rb == 1) {
            walk(left, mul(g, c), rules);
            walk(right, mul(g, a), rules);
            return;
        }
        Expr w = transposed(right);
        if (w != null) {             // A @ W^T, the batch of rows times a layer's weights: dW = (A^T g)^T = g^T A
            if (ra == 2) {
                walk(left, matmul(g, of(w)), with(rules, "W^T delta in its batch form: delta W"));
                walk(w, matmul(transpose(g), a), with(rules, "delta h^T in its batch form: delta^T H"));
            } else {
                walk(left, matmul(transpose(of(w)), g), with(rules, "W^T delta"));
                walk(w, matmul(g, transpose(a)), with(rules, "delta h^T: an outer product"));
            }
            return;
        }
        Formula dLeft;
        Formula dRight;
        String leftRule;
        String rightRule;
        if (rb == 1) {                                                   // W @ h
            dLeft = matmul(g, transpose(c));
            leftRule = "delta h^T: an outer product";
            dRight = matmul(transpose(a), g);
            rightRule = "W^T delta";
        } else if (ra == 1) {                                            // h @ W, h a row
            dLeft = matmul(c, g);
            leftRule = "W delta";
            dRight = matmul(a, transpose(g));
            rightRule = "h delta^T: an outer product";
        } else {                                                         // H @ W, a batch of rows
            dLeft = matmul(g, transpose(c));
            leftRule = "delta W^T, the batch form of W^T delta";
            dRight = matmul(transpose(a), g);
            rightRule = "H^T delta, the batch form of delta h^T";
        }
        walk(left, dLeft, with(rules, leftRule));
        walk(right, dRight, with(rules, rightRule));
    }

    private void call(Expr.Call c, Formula g, List<String> rules) {
        Builtin f = c.function();
        List<Formula> args = new ArrayList<>();
        List<Tensor> argValues = new ArrayList<>();
        boolean elementwise = false;
        for (Expr arg : c.args()) {
            args.add(of(arg));
            Tensor v = values.get(arg);
            argValues.add(v);
            elementwise |= v != null && v.rank() > 0;
        }
        Builtin.Chain chain = new Builtin.Chain(of(c), args, argValues, elementwise);
        for (int i = 0; i < args.size(); i++) {
            if (f.isLiteral(i)) {
                continue;
            }
            Formula share = f.adjoint(chain, i, g);
            List<String> named = f.ruleName() != null && (i == 0 || f.isElementwise()) ? with(rules, f.ruleName()) : rules;
            if (f.isElementwise()) {
                walkUnbroadcast(c.args().get(i), share, c, named);
            } else {
                walk(c.args().get(i), share, named);
            }
        }
    }

    /** An operand of an element-wise operation that was broadcast gets its adjoint summed back to its shape. */
    private void walkUnbroadcast(Expr operand, Formula g, Expr result, List<String> rules) {
        int[] from = value(result).shape();
        int[] to = value(operand).shape();
        if (Arrays.equals(from, to) || g.isZero()) {
            walk(operand, g, rules);
        } else if (Arrays.stream(to).allMatch(d -> d == 1) && to.length <= 1) {
            walk(operand, apply("sum", g), with(rules, "summed: one value was used for every element"));
        } else if (from.length == 2 && (to.length == 1 || to[0] == 1)) {
            walk(operand, apply("sum", g, constant("0")), with(rules, "summed over the batch (the rows)"));
        } else {
            walk(operand, apply("sum", g, constant("1")), with(rules, "summed over the columns"));
        }
    }

    /** The element-wise product of a share and an operand: {@code (.)} between matrices, {@code *} with a scalar. */
    private Formula times(Formula g, Formula x, Expr result, Expr operand) {
        return value(result).rank() > 0 && value(operand).rank() > 0 ? hadamard(g, x) : mul(g, x);
    }

    /** The expression in symbols: the node's name when it is the whole definition, else as written. */
    private Formula of(Expr e) {
        if (e == node.expr()) {
            return atom(node.name(), "");
        }
        if (e instanceof Expr.Num n) {
            return constant(n.text());
        }
        String text = Exprs.print(e);
        return new Formula(text, text, Exprs.precedence(e), "");
    }

    private Tensor value(Expr e) {
        return values.get(e);
    }

    private static Expr transposed(Expr e) {
        return e instanceof Expr.Call c && c.function() == Builtin.TRANSPOSE ? c.args().get(0) : null;
    }

    private static String wrapped(Formula g) {
        return g.precedence() == 5 ? g.symbols() : "(" + g.symbols() + ")";
    }

    private static List<String> with(List<String> rules, String rule) {
        List<String> out = new ArrayList<>(rules);
        out.add(rule);
        return out;
    }
}
