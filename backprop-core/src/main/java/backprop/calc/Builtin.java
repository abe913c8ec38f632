package backprop.calc;

import static backprop.calc.Formula.ONE;
import static backprop.calc.Formula.ZERO;
import static backprop.calc.Formula.add;
import static backprop.calc.Formula.apply;
import static backprop.calc.Formula.constant;
import static backprop.calc.Formula.div;
import static backprop.calc.Formula.indicator;
import static backprop.calc.Formula.mul;
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
 * arguments it takes, its evaluation with the shape checks it needs, and the derivative
 * {@code --explain} writes for it. The evaluation calls {@link Tensor} operations, whose backward
 * rules the autograd engine runs; the symbolic derivative is only what a worked solution prints.
 * docs/calculator.md lists this table; a test keeps the two equal. The order of the entries is
 * the order in which the unknown-function error lists them.
 */
public enum Builtin {
    EXP("exp", Arity.ONE, a -> a.get(0).exp(),
            c -> c.times(c.self())),                                             // exp' = exp
    LOG("log", Arity.ONE, a -> a.get(0).log(),
            c -> div(c.du(), c.u())),                                            // log' = 1/u
    SQRT("sqrt", Arity.ONE, a -> a.get(0).sqrt(),
            c -> div(c.du(), mul(constant("2"), c.self()))),                     // sqrt' = 1/(2 sqrt u)
    ABS("abs", Arity.ONE, a -> a.get(0).abs(),
            c -> c.times(apply("sign", c.u()))),                                 // abs'(0) = sign(0) = 0
    SIGMOID("sigmoid", Arity.ONE, a -> a.get(0).sigmoid(),
            c -> c.times(mul(c.self(), sub(ONE, c.self())))),                    // s' = s(1 - s)
    TANH("tanh", Arity.ONE, a -> a.get(0).tanh(),
            c -> c.times(sub(ONE, pow(c.self(), constant("2"))))),               // tanh' = 1 - tanh^2
    RELU("relu", Arity.ONE, a -> a.get(0).relu(),
            c -> c.times(indicator(c.u(), " > ", ZERO))),                        // pos(u): relu'(0) = 0
    SOFTPLUS("softplus", Arity.ONE, a -> a.get(0).softplus(),
            c -> c.times(apply("sigmoid", c.u()))),                              // softplus' = sigmoid
    MAX("max", Arity.TWO, broadcasting(Tensor::maximum),                         // the gradient to a where a > b, else to b
            c -> add(mul(indicator(c.u(), " > ", c.v()), c.du()), mul(indicator(c.u(), " <= ", c.v()), c.dv()))),
    MIN("min", Arity.TWO, broadcasting(Tensor::minimum),                         // the gradient to a where a < b, else to b
            c -> add(mul(indicator(c.u(), " < ", c.v()), c.du()), mul(indicator(c.u(), " >= ", c.v()), c.dv()))),
    SUM("sum", Arity.ONE_OR_AXIS, reduction(Tensor::sum, Tensor::sum), null),
    MEAN("mean", Arity.ONE_OR_AXIS, reduction(Tensor::mean, Tensor::mean), null),
    SOFTMAX("softmax", Arity.ONE, a -> vectorOrMatrix(a).softmax(), null),
    LOG_SOFTMAX("log_softmax", Arity.ONE, a -> vectorOrMatrix(a).logSoftmax(), null),
    TRANSPOSE("transpose", Arity.ONE, a -> a.get(0).rank() == 2 ? a.get(0).transpose() : a.get(0), null),   // NumPy's: 0-D and 1-D unchanged
    DOT("dot", Arity.TWO, Builtin::dot, null),
    // the language's losses are sums over all elements (the library's default is the mean)
    BCE("bce", Arity.TWO, broadcasting((p, t) -> Loss.bce(p, t, Reduction.SUM)), null),
    BCE_LOGITS("bce_logits", Arity.TWO, broadcasting((z, t) -> Loss.bceWithLogits(z, t, Reduction.SUM)), null),
    CROSS_ENTROPY("cross_entropy", Arity.TWO, Builtin::crossEntropy, null),
    LOGISTIC("logistic", Arity.TWO, broadcasting((z, y) -> Loss.logistic(z, y, Reduction.SUM)), null),
    SSE("sse", Arity.TWO, broadcasting((a, b) -> Loss.mse(a, b, Reduction.SUM)), null),
    MSE("mse", Arity.TWO, broadcasting(Loss::mse), null);

    /** The argument lists a function may take. */
    enum Arity {
        /** {@code f(x)}. */
        ONE(1, 1),
        /** {@code f(a, b)}. */
        TWO(2, 2),
        /** {@code f(x)} or {@code f(x, axis)}, the axis a literal 0, 1 or -1 that is never evaluated. */
        ONE_OR_AXIS(1, 2);

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
        /** The value of argument {@code i}; never the axis of {@link Arity#ONE_OR_AXIS}. */
        Tensor get(int i);

        /**
         * The axis written as the second argument, or {@code null} when none is written.
         *
         * @throws InputException unless it is written 0, 1 or -1 and the first operand has it
         */
        Integer axis();

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

    /**
     * The chain rule of one call, in symbols and numbers: d(f(u, v))/d(name) from the call's own
     * formula and its arguments' formulas and derivatives (all non-null).
     *
     * @param self the call as {@link Formula} reads it: the node's name when the call is its whole definition
     */
    record Chain(Formula self, List<Formula> args, List<Formula> derivatives) {
        Formula u() {
            return args.get(0);
        }

        Formula du() {
            return derivatives.get(0);
        }

        Formula v() {
            return args.get(1);
        }

        Formula dv() {
            return derivatives.get(1);
        }

        /** {@code local * du}: the chain rule of a one-argument function whose derivative is {@code local}. */
        Formula times(Formula local) {
            return mul(local, du());
        }
    }

    private final String spelling;
    private final Arity arity;
    private final Function<Operands, Tensor> evaluation;
    /** {@code null} where a hand derivation has no short form (reductions, losses): --explain then shows the number alone. */
    private final Function<Chain, Formula> derivative;

    Builtin(String spelling, Arity arity, Function<Operands, Tensor> evaluation, Function<Chain, Formula> derivative) {
        this.spelling = spelling;
        this.arity = arity;
        this.evaluation = evaluation;
        this.derivative = derivative;
    }

    /** The function named {@code name}, if it is one (case-sensitive: {@code Sum} is not). */
    public static Optional<Builtin> named(String name) {
        return Arrays.stream(values()).filter(b -> b.spelling.equals(name)).findFirst();
    }

    public String spelling() {
        return spelling;
    }

    public int minArgs() {
        return arity.min;
    }

    public int maxArgs() {
        return arity.max;
    }

    /** True when argument {@code i} is an axis written as a literal, which is read, not evaluated. */
    boolean isAxis(int i) {
        return arity == Arity.ONE_OR_AXIS && i == 1;
    }

    /** How a call is written: {@code exp(x)}, {@code max(a, b)}, {@code sum(x) or sum(x, axis)}. */
    public String usage() {
        return switch (arity) {
            case ONE -> spelling + "(x)";
            case TWO -> spelling + "(a, b)";
            case ONE_OR_AXIS -> spelling + "(x) or " + spelling + "(x, axis)";
        };
    }

    /** How the argument count reads in an error: {@code 1 argument}, {@code 1 or 2 arguments}. */
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

    /** The derivative of a call as --explain writes it, or {@code null} when it has no hand-sized form. */
    Formula derivative(Chain chain) {
        return derivative == null ? null : derivative.apply(chain);
    }

    // ---- Evaluations longer than a line, with their shape checks ----------------------------

    /** An element-wise function or loss of two operands that must broadcast. */
    private static Function<Operands, Tensor> broadcasting(BinaryOperator<Tensor> op) {
        return a -> {
            a.broadcast();
            return op.apply(a.get(0), a.get(1));
        };
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

    private static Tensor dot(Operands a) {
        Tensor u = a.get(0);
        Tensor v = a.get(1);
        if (u.rank() != 1 || v.rank() != 1 || u.size() != v.size()) {
            throw a.error("shape mismatch in dot(...): expected two vectors of one length; got shapes "
                    + Shapes.format(u.shape()) + " and " + Shapes.format(v.shape()));
        }
        return u.dot(v);
    }

    /** The targets broadcast to the logits, never the other way: a row of labels must not widen a column of logits. */
    private static Tensor crossEntropy(Operands a) {
        Tensor z = a.get(0);
        Tensor t = a.get(1);
        if (z.rank() == 0 || z.rank() > 2) {
            throw a.error("cross_entropy(...): the logits must be a vector or a matrix; got shape "
                    + Shapes.format(z.shape()) + "; expected a vector or a matrix");
        }
        if (!Arrays.equals(a.broadcast(), z.shape())) {
            throw a.error("shape mismatch in cross_entropy(...): the targets must broadcast to the logits' shape "
                    + Shapes.format(z.shape()) + "; got shape " + Shapes.format(t.shape())
                    + "; expected one-hot rows or probabilities of the logits' shape");
        }
        return Loss.crossEntropy(z, t, Reduction.SUM);
    }
}
