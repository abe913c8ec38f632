package backprop.tensor;

import backprop.autograd.Node;
import backprop.internal.Arena;
import backprop.kernels.Loops;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Element-wise operations, each with its backward rule beside its forward; binary ones broadcast.
 * The rules return gradients in the broadcast shape; the engine sums them back to each input.
 */
final class Elementwise {
    private Elementwise() {}

    // ---- Binary -------------------------------------------------------------------------

    static Tensor add(Tensor a, Tensor b) {
        Tensor out = zip("add", a, b, Double::sum);
        return Node.record("add", out, List.of(a, b), (i, g) -> g);                 // d(a+b)/da = d(a+b)/db = 1
    }

    static Tensor sub(Tensor a, Tensor b) {
        Tensor out = zip("sub", a, b, (x, y) -> x - y);
        return Node.record("sub", out, List.of(a, b), (i, g) -> i == 0 ? g : g.neg());   // d(a-b)/db = -1
    }

    static Tensor mul(Tensor a, Tensor b) {
        Tensor out = zip("mul", a, b, (x, y) -> x * y);
        return Node.record("mul", out, List.of(a, b), (i, g) -> i == 0
                ? g.mul(b)                                                            // d(ab)/da = b
                : g.mul(a));                                                          // d(ab)/db = a
    }

    static Tensor div(Tensor a, Tensor b) {
        Tensor out = zip("div", a, b, (x, y) -> x / y);
        return Node.record("div", out, List.of(a, b), (i, g) -> i == 0
                ? g.div(b)                                                            // d(a/b)/da = 1/b
                : g.mul(out).div(b).neg());                                           // d(a/b)/db = -a/b^2 = -out/b
    }

    static Tensor pow(Tensor a, Tensor b) {
        Tensor out = zip("pow", a, b, Math::pow);
        return Node.record("pow", out, List.of(a, b), (i, g) -> i == 0
                ? g.mul(zip("pow", a, b, (x, y) -> y * Math.pow(x, y - 1)))            // d(a^b)/da = b a^(b-1)
                : g.mul(zip("pow", out, a, (o, x) -> o * Math.log(x))));              // d(a^b)/db = a^b ln(a)
    }

    static Tensor maximum(Tensor a, Tensor b) {
        Tensor out = zip("max", a, b, (x, y) -> x > y ? x : y);
        return Node.record("max", out, List.of(a, b), (i, g) -> g.mul(i == 0
                ? zip("max", a, b, (x, y) -> x > y ? 1 : 0)                           // all to a where a > b
                : zip("max", a, b, (x, y) -> x > y ? 0 : 1)));                        // to b elsewhere, ties included
    }

    static Tensor minimum(Tensor a, Tensor b) {
        Tensor out = zip("min", a, b, (x, y) -> x < y ? x : y);
        return Node.record("min", out, List.of(a, b), (i, g) -> g.mul(i == 0
                ? zip("min", a, b, (x, y) -> x < y ? 1 : 0)                           // all to a where a < b
                : zip("min", a, b, (x, y) -> x < y ? 0 : 1)));                        // to b elsewhere, ties included
    }

    // ---- Unary --------------------------------------------------------------------------

    static Tensor neg(Tensor a) {
        Tensor out = map(a, x -> -x);
        return Node.record("neg", out, List.of(a), (i, g) -> g.neg());               // d(-a)/da = -1
    }

    static Tensor exp(Tensor a) {
        Tensor out = map(a, Math::exp);
        return Node.record("exp", out, List.of(a), (i, g) -> g.mul(out));            // d(e^a)/da = e^a
    }

    static Tensor log(Tensor a) {
        Tensor out = map(a, Math::log);
        return Node.record("log", out, List.of(a), (i, g) -> g.div(a));              // d(ln a)/da = 1/a
    }

    static Tensor sqrt(Tensor a) {
        Tensor out = map(a, Math::sqrt);
        return Node.record("sqrt", out, List.of(a), (i, g) -> g.mul(0.5).div(out));  // d(sqrt a)/da = 1/(2 sqrt a)
    }

    static Tensor abs(Tensor a) {
        Tensor out = map(a, Math::abs);
        return Node.record("abs", out, List.of(a), (i, g) -> g.mul(map(a, Math::signum)));   // sign(a); 0 at 0
    }

    static Tensor sigmoid(Tensor a) {
        Tensor out = map(a, Elementwise::sigmoid);
        return Node.record("sigmoid", out, List.of(a),
                (i, g) -> g.mul(map(out, s -> s * (1 - s))));                        // s' = s(1 - s)
    }

    static Tensor tanh(Tensor a) {
        Tensor out = map(a, Math::tanh);
        return Node.record("tanh", out, List.of(a),
                (i, g) -> g.mul(map(out, t -> 1 - t * t)));                          // tanh' = 1 - tanh^2
    }

    static Tensor relu(Tensor a) {
        Tensor out = reluValues(a);
        return Node.record("relu", out, List.of(a), (i, g) -> reluGradient(g, a));     // g pos(a): 0 for a <= 0
    }

    /** max(a, 0) outside the graph, 0 for NaN: float32 through {@link Loops}, whose blends the JIT does not find itself. */
    static Tensor reluValues(Tensor a) {
        if (a.f == null) {
            return map(a, x -> x > 0 ? x : 0);
        }
        float[] out = Arena.floats(a.f.length);
        Loops.relu(a.f, out, out.length);
        return new Tensor(out, a.shape());
    }

    /** {@code g * (a > 0)} in one pass: the hidden layers of every MLP run it once per step. */
    static Tensor reluGradient(Tensor g, Tensor a) {
        if (g.f == null || a.f == null || g.size() != a.size()) {
            return g.mul(map(a, x -> x > 0 ? 1 : 0));
        }
        float[] out = Arena.floats(g.size());
        Loops.reluBackward(g.f, a.f, out, out.length);
        return new Tensor(out, a.shape());
    }

    static Tensor softplus(Tensor a) {
        Tensor out = map(a, Elementwise::softplus);
        return Node.record("softplus", out, List.of(a),
                (i, g) -> g.mul(map(a, Elementwise::sigmoid)));                      // d log(1 + e^a)/da = sigmoid(a)
    }

    static Tensor convert(Tensor a, DType target) {
        Tensor out = Results.uninitialized(target, a.shape());
        boolean whole = target == DType.INT64;
        for (int i = 0; i < out.size(); i++) {
            double v = a.getFlat(i);
            out.setFlat(i, whole ? (double) (long) v : v);   // to INT64 truncates toward zero, as PyTorch's .long()
        }
        DType source = a.dtype();
        return Node.record("convert", out, List.of(a), (i, g) -> g.to(source));
    }

    // ---- Stable scalar functions, shared with the fused losses ----------------------------

    /** 1 / (1 + e^-x), without overflow for large |x|. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), without overflow for large |x|. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    // ---- Loops --------------------------------------------------------------------------

    /** Applies {@code fn} to every element; the result has {@code a}'s shape and dtype. */
    static Tensor map(Tensor a, DoubleUnaryOperator fn) {
        int n = a.size();
        if (a.f != null) {
            float[] out = Arena.floats(n);
            float[] x = a.f;
            for (int i = 0; i < n; i++) {
                out[i] = (float) fn.applyAsDouble(x[i]);
            }
            return new Tensor(out, a.shape());
        }
        double[] out = Arena.doubles(n);
        double[] x = a.d;
        for (int i = 0; i < n; i++) {
            out[i] = fn.applyAsDouble(x[i]);
        }
        return new Tensor(out, a.shape());
    }

    /** Applies {@code fn} pairwise under broadcasting; the result has the broadcast shape and the promoted dtype. */
    static Tensor zip(String op, Tensor a, Tensor b, DoubleBinaryOperator fn) {
        int[] shape = Shapes.broadcast(op, a.shape(), b.shape());
        Tensor out = Results.uninitialized(DType.promote(a.dtype(), b.dtype()), shape);   // every branch writes every element
        int n = out.size();
        if (out.f != null && a.f != null && b.f != null && a.size() == n && b.size() == n) {
            float[] o = out.f;
            float[] x = a.f;
            float[] y = b.f;
            for (int i = 0; i < n; i++) {                                        // float32 without getFlat/setFlat
                o[i] = (float) fn.applyAsDouble(x[i], y[i]);
            }
        } else if (a.size() == n && b.size() == n) {
            for (int i = 0; i < n; i++) {
                out.setFlat(i, fn.applyAsDouble(a.getFlat(i), b.getFlat(i)));
            }
        } else if (b.size() == 1) {
            double y = b.getFlat(0);
            for (int i = 0; i < n; i++) {
                out.setFlat(i, fn.applyAsDouble(a.getFlat(i), y));
            }
        } else if (a.size() == 1) {
            double x = a.getFlat(0);
            for (int i = 0; i < n; i++) {
                out.setFlat(i, fn.applyAsDouble(x, b.getFlat(i)));
            }
        } else {
            int[] as = Shapes.broadcastStrides(a.shape(), shape);
            int[] bs = Shapes.broadcastStrides(b.shape(), shape);
            int[] index = new int[shape.length];
            int ai = 0;
            int bi = 0;
            for (int i = 0; i < n; i++) {
                out.setFlat(i, fn.applyAsDouble(a.getFlat(ai), b.getFlat(bi)));
                for (int dim = shape.length - 1; dim >= 0; dim--) {   // odometer step
                    index[dim]++;
                    ai += as[dim];
                    bi += bs[dim];
                    if (index[dim] < shape[dim]) {
                        break;
                    }
                    ai -= as[dim] * shape[dim];
                    bi -= bs[dim] * shape[dim];
                    index[dim] = 0;
                }
            }
        }
        return out;
    }
}
