package backprop.calc;

import static backprop.calc.Formula.ONE;
import static backprop.calc.Formula.ZERO;
import static backprop.calc.Formula.apply;
import static backprop.calc.Formula.constant;
import static backprop.calc.Formula.div;
import static backprop.calc.Formula.indicator;
import static backprop.calc.Formula.mul;
import static backprop.calc.Formula.neg;
import static backprop.calc.Formula.pow;
import static backprop.calc.Formula.sub;

import backprop.InputException;
import backprop.nn.Loss;
import backprop.nn.Reduction;
import backprop.tensor.Shapes;
import backprop.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The functions of the language, one entry each: the spelling (reserved as a name), the
 * arguments it takes, what it computes in one line (for {@code grad --help} and the language
 * reference), its evaluation with the shape checks it needs, and its derivative as {@code --explain}
 * writes it. The evaluation calls {@link Tensor} operations, whose backward rules the autograd
 * engine runs; the derivative is written once, as the adjoint an argument receives from the
 * call's adjoint {@code g}, and serves both forms of the explanation: with {@code g = 1} times
 * the argument's own derivative in a scalar chain ({@code r1 * s1 * (1 - s1)}), and with
 * {@code g = delta} in the matrix form ({@code delta_r (.) [a > 0]}). docs/grad-language.md lists
 * this table; a test keeps the two equal. The order of the entries is the order in which the
 * unknown-function error and {@code grad --help} list them.
 */
public enum Builtin {
    /** {@code exp(x)}: e^x, element-wise; {@code dy/dx = y}. */
    EXP("exp", Arity.ONE, "e^x, element-wise", a -> a.get(0).exp(), null,
            (c, i, g) -> c.times(g, c.self())),                                          // exp' = exp
    /** {@code log(x)}: the natural logarithm, element-wise; {@code dy/dx = 1 / x}; not finite for x &lt;= 0. */
    LOG("log", Arity.ONE, "natural logarithm, element-wise", a -> a.get(0).log(), null,
            (c, i, g) -> div(g, c.u())),                                                 // log' = 1/u
    /** {@code ln(x)}: the same function as {@link #LOG}, under the other spelling. */
    LN("ln", Arity.ONE, "the same as log", a -> a.get(0).log(), null,
            (c, i, g) -> div(g, c.u())),
    /**
     * {@code sqrt(x)}: the square root, element-wise; {@code dy/dx = 1 / (2 y)}. Not finite for
     * x &lt; 0, and its derivative not at x = 0.
     */
    SQRT("sqrt", Arity.ONE, "square root, element-wise", a -> a.get(0).sqrt(), null,
            (c, i, g) -> div(g, mul(constant("2"), c.self()))),                           // sqrt' = 1/(2 sqrt u)
    /** {@code abs(x)}: |x|, element-wise; {@code dy/dx = sign(x)}, so 0 at x = 0. */
    ABS("abs", Arity.ONE, "absolute value, element-wise; abs'(0) = 0", a -> a.get(0).abs(), null,
            (c, i, g) -> c.times(g, apply("sign", c.u()))),                              // abs'(0) = sign(0) = 0
    /** {@code sigmoid(x)}: {@code 1 / (1 + e^-x)}, element-wise; {@code dy/dx = y (1 - y)}. */
    SIGMOID("sigmoid", Arity.ONE, "1 / (1 + e^-x), element-wise", a -> a.get(0).sigmoid(), "the sigmoid's s (1 - s)",
            (c, i, g) -> c.times(c.times(g, c.self()), sub(ONE, c.self()))),             // s' = s(1 - s)
    /** {@code tanh(x)}: the hyperbolic tangent, element-wise; {@code dy/dx = 1 - y^2}. */
    TANH("tanh", Arity.ONE, "hyperbolic tangent, element-wise", a -> a.get(0).tanh(), "tanh' = 1 - tanh^2",
            (c, i, g) -> c.times(g, sub(ONE, pow(c.self(), constant("2"))))),            // tanh' = 1 - tanh^2
    /** {@code relu(x)}: {@code max(x, 0)}, element-wise; {@code dy/dx = [x > 0]}, so 0 at x = 0. */
    RELU("relu", Arity.ONE, "max(x, 0), element-wise; relu'(0) = 0", a -> a.get(0).relu(), "the ReLU mask",
            (c, i, g) -> c.times(g, indicator(c.u(), " > ", ZERO))),                     // pos(u): relu'(0) = 0
    /** {@code softplus(x)}: {@code log(1 + e^x)}, element-wise, finite for any finite x; {@code dy/dx = sigmoid(x)}. */
    SOFTPLUS("softplus", Arity.ONE, "log(1 + e^x), element-wise, computed stably", a -> a.get(0).softplus(), null,
            (c, i, g) -> c.times(g, apply("sigmoid", c.u()))),                           // softplus' = sigmoid
    /**
     * {@code max(a, b)}: the element-wise maximum of operands that broadcast; the adjoint goes to {@code a} where
     * {@code a > b} and to {@code b} elsewhere, ties included.
     */
    MAX("max", Arity.TWO, "element-wise max, broadcasting; gradient to a if a > b",
            broadcasting(Tensor::maximum), "routed to the larger argument",
            (c, i, g) -> c.times(g, i == 0 ? indicator(c.u(), " > ", c.v()) : indicator(c.u(), " <= ", c.v()))),
    /**
     * {@code min(a, b)}: the element-wise minimum of operands that broadcast; the adjoint goes to {@code a} where
     * {@code a < b} and to {@code b} elsewhere, ties included.
     */
    MIN("min", Arity.TWO, "element-wise min, broadcasting; gradient to a if a < b",
            broadcasting(Tensor::minimum), "routed to the smaller argument",
            (c, i, g) -> c.times(g, i == 0 ? indicator(c.u(), " < ", c.v()) : indicator(c.u(), " >= ", c.v()))),
    /**
     * {@code sum(x)} or {@code sum(x, axis)}: the sum of all elements (a scalar), or over axis 0, 1 or -1 (that axis
     * removed); each element summed receives the sum's adjoint.
     */
    SUM("sum", Arity.ONE_OR_AXIS, "sum of all elements, or over axis 0, 1 or -1",
            reduction(Tensor::sum, Tensor::sum), "a sum passes g to every element",
            (c, i, g) -> g),                                                             // d(sum x)/dx_k = 1
    /**
     * {@code mean(x)} or {@code mean(x, axis)}: the mean of all elements, or over axis 0, 1 or -1; each of the n
     * elements averaged receives 1/n of the mean's adjoint.
     */
    MEAN("mean", Arity.ONE_OR_AXIS, "mean of all elements, or over one axis",
            reduction(Tensor::mean, Tensor::mean), null,
            (c, i, g) -> div(g, constant(String.valueOf(c.reduced(0))))),               // d(mean x)/dx_k = 1/n
    /**
     * {@code softmax(x)}: {@code e^x / sum(e^x)} over the last axis of a vector, or of each row of a matrix; a
     * scalar is refused. Adjoint {@code y (.) (g - rowsum(g (.) y))}.
     */
    SOFTMAX("softmax", Arity.ONE, "softmax over the last axis of a vector or matrix", a -> vectorOrMatrix(a).softmax(),
            "the softmax Jacobian, row by row",
            (c, i, g) -> c.times(c.self(), sub(g, apply("rowsum", c.times(g, c.self()))))),  // s (.) (g - <g, s>)
    /**
     * {@code log_softmax(x)}: {@code x - logsumexp(x)} over the last axis, as {@link #SOFTMAX}, finite for any
     * finite x. Adjoint {@code g - softmax(x) (.) rowsum(g)}.
     */
    LOG_SOFTMAX("log_softmax", Arity.ONE, "log of softmax over the last axis, computed stably",
            a -> vectorOrMatrix(a).logSoftmax(), null,
            (c, i, g) -> sub(g, c.times(apply("softmax", c.u()), apply("rowsum", g)))),     // g - softmax(u) sum(g)
    /**
     * {@code logsumexp(x)} or {@code logsumexp(x, axis)}: {@code log(sum(exp(x)))} over all elements or axis 0, 1
     * or -1, finite for any finite x; {@code dy/dx = exp(x - y)}, the softmax.
     */
    LOGSUMEXP("logsumexp", Arity.ONE_OR_AXIS, "log(sum(exp(x))), all elements or one axis, stably",
            reduction(Builtin::logsumexp, Builtin::logsumexp), "logsumexp' = softmax",
            (c, i, g) -> c.times(g, apply("exp", sub(c.u(), c.self())))),                 // d lse/dx = exp(x - lse)
    /**
     * {@code transpose(x)}: a matrix's transpose, [m, n] to [n, m]; a vector or a scalar is returned unchanged,
     * as NumPy's {@code .T}. Adjoint {@code g^T}.
     */
    TRANSPOSE("transpose", Arity.ONE, "2-D transpose; a vector or scalar is unchanged",
            a -> a.get(0).rank() == 2 ? a.get(0).transpose() : a.get(0), null,             // NumPy's: 0-D and 1-D unchanged
            (c, i, g) -> c.shape(0).length == 2 ? Formula.transpose(g) : g),
    /**
     * {@code reshape(x, n)} or {@code reshape(x, r, c)}: the elements in row-major order as a vector of n or an
     * r x c matrix; the sizes are whole-number literals whose product is the number of elements.
     * The adjoint is {@code g} reshaped back.
     */
    RESHAPE("reshape", Arity.SHAPE, "row-major elements as a vector of r or an r x c matrix",
            Builtin::reshape, null, (c, i, g) -> c.reshapedBack(g)),
    /**
     * {@code flatten(x)}: the elements in row-major order as a vector; a scalar becomes a vector of one. The
     * adjoint is {@code g} reshaped back.
     */
    FLATTEN("flatten", Arity.ONE, "the elements as a vector (a scalar: a vector of 1)",
            a -> a.get(0).reshape(a.get(0).size()), null, (c, i, g) -> c.reshapedBack(g)),
    /**
     * {@code dot(a, b)}: the inner product of two vectors of one length, a scalar; {@code dy/da = b},
     * {@code dy/db = a}.
     */
    DOT("dot", Arity.TWO, "inner product of two vectors of one length", Builtin::dot, null,
            (c, i, g) -> mul(g, i == 0 ? c.v() : c.u())),                                // d(u.v)/du = v
    // the language's losses are sums over all elements (the library's default is the mean)
    /**
     * {@code bce(a, b)}: binary cross-entropy summed over the elements,
     * {@code sum(-(b log a + (1 - b) log(1 - a)))}, for probabilities a in (0, 1) and targets b of a's
     * shape or a scalar; {@code dy/da = (a - b) / (a (1 - a))}.
     */
    BCE("bce", Arity.TWO, "sum of -(b log a + (1 - b) log(1 - a))",
            loss((p, t) -> Loss.bce(p, t, Reduction.SUM)), "bce's (p - t) / (p (1 - p))",
            (c, i, g) -> mul(g, i == 0
                    ? div(sub(c.u(), c.v()), c.times(c.u(), sub(ONE, c.u())))          // dL/dp = (p - t)/(p(1 - p))
                    : sub(apply("log", sub(ONE, c.u())), apply("log", c.u())))),        // dL/dt = log(1 - p) - log p
    /**
     * {@code bce_logits(a, b)}: {@link #BCE} of {@code sigmoid(a)}, computed stably as
     * {@code sum(softplus(a) - b a)}; targets as for {@link #BCE}; {@code dy/da = sigmoid(a) - b}.
     */
    BCE_LOGITS("bce_logits", Arity.TWO, "bce on logits: sum of softplus(a) - b a, stably",
            loss((z, t) -> Loss.bceWithLogits(z, t, Reduction.SUM)), "bce_logits' closed form sigmoid(z) - t",
            (c, i, g) -> mul(g, i == 0 ? sub(apply("sigmoid", c.u()), c.v()) : neg(c.u()))),  // sigmoid(z) - t; -z
    /**
     * {@code cross_entropy(a, b)}: {@code sum(-b (.) log_softmax(a))} over each row of the logits a (a
     * vector is one row); the targets b one-hot or probabilities, of a's shape, a scalar, or one row
     * for every row of a matrix a. {@code dy/da = softmax(a) - b} when b's rows sum to 1.
     */
    CROSS_ENTROPY("cross_entropy", Arity.TWO,
            "sum of -b * log_softmax(a); b one-hot or probabilities",
            Builtin::crossEntropy, "cross_entropy's closed form softmax(z) - t",
            (c, i, g) -> mul(g, i == 0 ? c.softmaxMinusTargets() : neg(apply("log_softmax", c.u())))),
    /**
     * {@code logistic(a, b)}: the logistic loss {@code sum(log(1 + e^(-b a)))} for labels b in {-1, 1}, of a's
     * shape or a scalar, computed stably; {@code dy/da = -b sigmoid(-b a)}.
     */
    LOGISTIC("logistic", Arity.TWO, "sum of log(1 + e^(-b a)), labels b in {-1, 1}, stably",
            loss((z, y) -> Loss.logistic(z, y, Reduction.SUM)), "the logistic loss's closed form -y sigmoid(-y z)",
            (c, i, g) -> mul(g, c.times(neg(i == 0 ? c.v() : c.u()),                     // dL/dz = -y sigmoid(-y z)
                    apply("sigmoid", c.times(neg(c.v()), c.u()))))),
    /**
     * {@code sse(a, b)}: the sum of squared errors {@code sum((a - b)^2)}, b of a's shape or a scalar;
     * {@code dy/da = 2 (a - b)}.
     */
    SSE("sse", Arity.TWO, "sum of (a - b)^2", loss((a, b) -> Loss.mse(a, b, Reduction.SUM)), null,
            (c, i, g) -> mul(g, mul(constant("2"), i == 0 ? sub(c.u(), c.v()) : sub(c.v(), c.u())))),   // 2 (a - b)
    /**
     * {@code mse(a, b)}: the mean squared error {@code mean((a - b)^2)}, b of a's shape or a scalar;
     * {@code dy/da = 2 (a - b) / n} for a of n elements.
     */
    MSE("mse", Arity.TWO, "mean of (a - b)^2", loss(Loss::mse), null,
            (c, i, g) -> mul(g, div(mul(constant("2"), i == 0 ? sub(c.u(), c.v()) : sub(c.v(), c.u())),
                    constant(String.valueOf(c.size(0))))));                             // 2 (a - b) / n

    /**
     * {@return every function, one line each ({@code signature  summary}, the summaries aligned, each
     * line indented by two spaces), in table order: what {@code grad --help} lists}
     */
    public static List<String> listing() {
        int width = Arrays.stream(values()).mapToInt(f -> f.signature().length()).max().orElse(0);
        return Arrays.stream(values()).map(f -> "  " + f.signature() + " ".repeat(width - f.signature().length() + 2) + f.summary())
                .toList();
    }

    /** The argument lists a function may take. */
    enum Arity {
        /** {@code f(x)}. */
        ONE(1, 1),
        /** {@code f(a, b)}. */
        TWO(2, 2),
        /** {@code f(x)} or {@code f(x, axis)}, the axis a literal 0, 1 or -1 that is never evaluated. */
        ONE_OR_AXIS(1, 2),
        /** {@code f(x, n)} or {@code f(x, r, c)}, the sizes whole-number literals that are never evaluated. */
        SHAPE(2, 3);

        private final int min;
        private final int max;

        Arity(int min, int max) {
            this.min = min;
            this.max = max;
        }
    }

    /**
     * What a function's evaluation sees: its evaluated operands, and how to report a bad one at
     * the call, as {@code FILE:LINE:COL: message}.
     */
    interface Operands {
        /** The value of argument {@code i}; never a literal axis or size. */
        Tensor get(int i);

        /**
         * The axis written as the second argument, or {@code null} when none is written.
         *
         * @throws InputException unless it is written 0, 1 or -1 and the first operand has it
         */
        Integer axis();

        /**
         * The sizes written after the first argument ({@link Arity#SHAPE}).
         *
         * @throws InputException unless each is a whole number from 1 written as a literal
         */
        int[] sizes();

        /**
         * The shape operands 0 and 1 broadcast to.
         *
         * @throws InputException naming both shapes where they do not broadcast
         */
        int[] broadcast();

        /** The call as messages name it: {@code softmax(...)}. */
        String name();

        /** The input error {@code message} at the function's name. */
        InputException error(String message);
    }

    /** One argument's adjoint from the call's adjoint {@code g}, in symbols and numbers. */
    @FunctionalInterface
    interface Rule {
        Formula adjoint(Chain c, int argument, Formula g);
    }

    /**
     * A call as its derivative reads it: its own formula, its arguments' formulas, and, in the
     * matrix form, the arguments' values.
     *
     * @param self the call as {@link Formula} reads it: the node's name when the call is its whole definition
     * @param values the arguments' values, or {@code null} in a scalar chain (where every value is a scalar)
     * @param elementwise whether products are written {@code (.)}: the matrix form of a call with a non-scalar value
     */
    record Chain(Formula self, List<Formula> args, List<Tensor> values, boolean elementwise) {
        static Chain scalar(Formula self, List<Formula> args) {
            return new Chain(self, args, null, false);
        }

        Formula u() {
            return args.get(0);
        }

        Formula v() {
            return args.get(1);
        }

        /** The element-wise product, {@code (.)} between matrices and {@code *} between scalars. */
        Formula times(Formula a, Formula b) {
            return elementwise ? Formula.hadamard(a, b) : mul(a, b);
        }

        int[] shape(int i) {
            return values == null ? new int[0] : values.get(i).shape();
        }

        /** The number of elements of argument {@code i}. */
        int size(int i) {
            return Shapes.size(shape(i));
        }

        /** How many elements of argument {@code i} make one element of a reduction over all elements or the written axis. */
        int reduced(int i) {
            int[] shape = shape(i);
            if (args.size() == 1 || values == null) {
                return Shapes.size(shape);
            }
            int axis = Integer.parseInt(args.get(1).symbols().replace(" ", ""));
            return shape[axis < 0 ? shape.length + axis : axis];
        }

        /** {@code reshape(g, r, c)}: the adjoint of a reshape is the adjoint reshaped back to the argument's shape. */
        Formula reshapedBack(Formula g) {
            int[] shape = shape(0);
            if (shape.length == 0) {
                return values == null ? g : apply("sum", g);      // a scalar made into a vector of 1
            }
            return apply("reshape", g, constant(Arrays.stream(shape).mapToObj(String::valueOf)
                    .reduce((a, b) -> a + ", " + b).orElseThrow()));
        }

        /** {@code softmax(z) - t} where every row of t sums to 1 (one-hot or probabilities), else its general form. */
        Formula softmaxMinusTargets() {
            Formula softmax = apply("softmax", u());
            if (values != null && !rowsSumToOne(values.get(1), shape(0))) {
                return sub(times(softmax, apply("rowsum", v())), v());
            }
            return sub(softmax, v());
        }

        private static boolean rowsSumToOne(Tensor t, int[] logits) {
            double[] v = t.toDoubleArray();
            int row = logits[logits.length - 1];
            if (v.length % row != 0 || v.length == 1) {
                return false;
            }
            for (int r = 0; r < v.length; r += row) {
                double s = 0;
                for (int k = r; k < r + row; k++) {
                    s += v[k];
                }
                if (Math.abs(s - 1) > 1e-12) {
                    return false;
                }
            }
            return true;
        }
    }

    private final String spelling;
    private final Arity arity;
    private final String summary;
    private final Function<Operands, Tensor> evaluation;
    private final String ruleName;
    private final Rule rule;

    Builtin(String spelling, Arity arity, String summary, Function<Operands, Tensor> evaluation, String ruleName, Rule rule) {
        this.spelling = spelling;
        this.arity = arity;
        this.summary = summary;
        this.evaluation = evaluation;
        this.ruleName = ruleName;
        this.rule = rule;
    }

    /**
     * {@return the function spelled {@code name}, or empty for any other name}
     *
     * @param name a name as a program writes it; case-sensitive: {@code Sum} is not {@code sum}
     */
    public static Optional<Builtin> named(String name) {
        return Arrays.stream(values()).filter(b -> b.spelling.equals(name)).findFirst();
    }

    /** {@return the name a program calls it by, in lower case, which no node may take: {@code log_softmax}} */
    public String spelling() {
        return spelling;
    }

    /** {@return the fewest arguments a call may have: 1 or 2} */
    public int minArgs() {
        return arity.min;
    }

    /** {@return the most arguments a call may have, literal axes and sizes included: 1, 2 or 3} */
    public int maxArgs() {
        return arity.max;
    }

    /** {@return what the function computes, in one line: {@code e^x, element-wise}} */
    public String summary() {
        return summary;
    }

    /** True when argument {@code i} is an axis or a size written as a literal, which is read, not evaluated. */
    boolean isLiteral(int i) {
        return (arity == Arity.ONE_OR_AXIS || arity == Arity.SHAPE) && i >= 1;
    }

    /** True for the functions applied to each element (or each pair of broadcast elements) on its own. */
    boolean isElementwise() {
        return ordinal() <= MIN.ordinal();
    }

    /** {@return how a call is written, every form spelled out: {@code exp(x)}, {@code max(a, b)}, {@code sum(x) or sum(x, axis)}} */
    public String usage() {
        return switch (arity) {
            case ONE -> spelling + "(x)";
            case TWO -> spelling + "(a, b)";
            case ONE_OR_AXIS -> spelling + "(x) or " + spelling + "(x, axis)";
            case SHAPE -> spelling + "(x, n) or " + spelling + "(x, r, c)";
        };
    }

    /** {@return the call in one short form, optional arguments in brackets: {@code sum(x[, axis])}} */
    public String signature() {
        return switch (arity) {
            case ONE -> spelling + "(x)";
            case TWO -> spelling + "(a, b)";
            case ONE_OR_AXIS -> spelling + "(x[, axis])";
            case SHAPE -> spelling + "(x, r[, c])";
        };
    }

    /** {@return how the argument count reads in an error: {@code 1 argument}, {@code 1 or 2 arguments}} */
    public String arity() {
        if (arity.min == arity.max) {
            return arity.min + (arity.min == 1 ? " argument" : " arguments");
        }
        return arity.min + " or " + arity.max + " arguments";
    }

    /**
     * The value of a call, on the autograd graph.
     *
     * @throws InputException where the operands' shapes do not suit the function
     */
    Tensor evaluate(Operands operands) {
        return evaluation.apply(operands);
    }

    /** Argument {@code i}'s adjoint from the call's adjoint {@code g}: the function's derivative, as --explain writes it. */
    Formula adjoint(Chain chain, int i, Formula g) {
        return rule.adjoint(chain, i, g);
    }

    /** The rule as a course names it ({@code the ReLU mask}), or {@code null}. */
    String ruleName() {
        return ruleName;
    }

    // ---- Evaluations longer than a line, with their shape checks ----------------------------

    /** An element-wise function of two operands that must broadcast. */
    private static Function<Operands, Tensor> broadcasting(BinaryOperator<Tensor> op) {
        return a -> {
            a.broadcast();
            return op.apply(a.get(0), a.get(1));
        };
    }

    /** A loss: both arguments of one shape, or a scalar second argument; never a silent broadcast. */
    private static Function<Operands, Tensor> loss(BinaryOperator<Tensor> op) {
        return a -> {
            sameShapeOrScalarTarget(a);
            return op.apply(a.get(0), a.get(1));
        };
    }

    /**
     * The loss rule: a (2,1) column of predictions against 2 labels would otherwise broadcast to a
     * 2x2 loss, a wrong value that a gradient check cannot catch.
     */
    private static void sameShapeOrScalarTarget(Operands a) {
        int[] x = a.get(0).shape();
        int[] y = a.get(1).shape();
        if (Arrays.equals(x, y) || y.length == 0) {
            return;
        }
        throw a.error("shape mismatch in " + a.name() + ": a loss compares element by element: both arguments of one shape, "
                + "or a scalar second; got shapes " + Shapes.format(x) + " and " + Shapes.format(y) + "; expected " + hint(x, y));
    }

    /** The fix for the usual mismatches: a column against a vector, a transposed matrix, per-row scores. */
    private static String hint(int[] x, int[] y) {
        if (Shapes.size(x) == Shapes.size(y) && (x.length == 1 || y.length == 1)) {
            boolean firstIsVector = x.length == 1;
            int[] vector = firstIsVector ? x : y;
            int[] other = firstIsVector ? y : x;
            return "flatten(...) of the " + (firstIsVector ? "second" : "first") + " argument (both "
                    + Shapes.format(vector) + "), or reshape(..., " + dims(other).replace("x", ", ") + ") of the "
                    + (firstIsVector ? "first" : "second") + " (both " + Shapes.format(other) + ")";
        }
        if (x.length == 2 && y.length == 2 && x[0] == y[1] && x[1] == y[0]) {
            return "transpose(...) of one of them";
        }
        if (x.length == 2 && y.length == 1 && x[0] == y[0]) {
            return "one value per row: sum(..., 1) of the first argument, or targets of shape " + Shapes.format(x);
        }
        if (Shapes.size(x) == Shapes.size(y)) {
            return "reshape(..., " + dims(x).replace("x", ", ") + ") of the second argument";
        }
        return "two arguments of one shape, or a scalar second argument";
    }

    private static String dims(int[] shape) {
        return Arrays.stream(shape).mapToObj(String::valueOf).reduce((p, q) -> p + "x" + q).orElse("1");
    }

    /** A reduction over all elements, or over the axis when one is written. */
    private static Function<Operands, Tensor> reduction(UnaryOperator<Tensor> all, BiFunction<Tensor, Integer, Tensor> overAxis) {
        return a -> {
            Integer axis = a.axis();
            return axis == null ? all.apply(a.get(0)) : overAxis.apply(a.get(0), axis);
        };
    }

    /** The operand of softmax and log_softmax, which work over the last axis of a vector or matrix. */
    private static Tensor vectorOrMatrix(Operands a) {
        Tensor x = a.get(0);
        if (x.rank() == 0 || x.rank() > 2) {
            throw a.error(a.name() + ": works over the last axis of a vector or matrix; got shape "
                    + Shapes.format(x.shape()) + "; expected a vector or a matrix");
        }
        return x;
    }

    private static Tensor logsumexp(Tensor x) {
        Tensor max = Tensor.scalar(Arrays.stream(x.toDoubleArray()).max().orElseThrow());   // a constant: the gradient is unchanged
        return x.sub(max).exp().sum().log().add(max);
    }

    /** log(sum(exp(x - m))) + m with m the largest element of each slice, a constant, so exp never overflows. */
    private static Tensor logsumexp(Tensor x, int axis) {
        if (x.rank() == 1) {
            return logsumexp(x);
        }
        int rows = x.dim(0);
        int cols = x.dim(1);
        boolean down = axis == 0;
        double[] v = x.toDoubleArray();
        double[] max = new double[down ? cols : rows];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int k = down ? c : r;
                max[k] = Math.max(max[k], v[r * cols + c]);
            }
        }
        Tensor m = Tensor.vector(max);
        Tensor slices = down ? m : m.reshape(rows, 1);
        return x.sub(slices).exp().sum(axis).log().add(m);
    }

    private static Tensor reshape(Operands a) {
        Tensor x = a.get(0);
        int[] sizes = a.sizes();
        if (Shapes.size(sizes) != x.size()) {
            throw a.error("reshape(...): cannot make shape " + Shapes.format(sizes) + " (" + Shapes.size(sizes)
                    + " elements) of shape " + Shapes.format(x.shape()) + " (" + x.size()
                    + " elements); expected sizes whose product is " + x.size());
        }
        return x.reshape(sizes);
    }

    private static Tensor dot(Operands a) {
        Tensor u = a.get(0);
        Tensor v = a.get(1);
        if (u.rank() != 1 || v.rank() != 1 || u.size() != v.size()) {
            throw a.error("shape mismatch in dot(...): expected two vectors of one length; got shapes "
                    + Shapes.format(u.shape()) + " and " + Shapes.format(v.shape()));
        }
        return u.dot(v);
    }

    /**
     * Logits a vector or matrix; the targets of the same shape or a scalar, as for every loss, or
     * one row of targets for every row of a matrix of logits (which cannot widen the loss).
     */
    private static Tensor crossEntropy(Operands a) {
        Tensor z = a.get(0);
        if (z.rank() == 0 || z.rank() > 2) {
            throw a.error("cross_entropy(...): the logits must be a vector or a matrix; got shape "
                    + Shapes.format(z.shape()) + "; expected a vector or a matrix");
        }
        Tensor t = a.get(1);
        if (!(z.rank() == 2 && t.rank() == 1 && t.size() == z.dim(1))) {
            sameShapeOrScalarTarget(a);
        }
        return Loss.crossEntropy(z, t, Reduction.SUM);
    }
}
