package backprop.calc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every program in {@code examples/} against the closed-form answer its comment cites, computed
 * here in plain Java from the program's own leaf values (not numbers copied from an earlier run).
 * An example without a check here fails: each one must say what it reproduces.
 */
class WorkedExamplesTest {
    private static final Path EXAMPLES = Path.of("../examples");
    private static final double TOL = 1e-12;

    private final Map<String, Consumer<Evaluation>> checks = Map.of(
            "exam-two-layer.bp", WorkedExamplesTest::examTwoLayer,
            "sigmoid-derivative.bp", WorkedExamplesTest::sigmoidDerivative,
            "logistic-regression.bp", WorkedExamplesTest::logisticRegression,
            "two-layer-sigmoid-bce.bp", WorkedExamplesTest::twoLayerSigmoidBce,
            "two-layer-softmax.bp", WorkedExamplesTest::twoLayerSoftmax,
            "relu-softmax-ce.bp", WorkedExamplesTest::reluSoftmaxCrossEntropy,
            "deep-relu-logistic.bp", WorkedExamplesTest::deepReluLogistic,
            "batch-two-layer-softmax.bp", WorkedExamplesTest::batchTwoLayerSoftmax);

    @TestFactory
    Stream<DynamicTest> everyExampleReproducesItsPublishedAnswer() throws IOException {
        List<Path> programs;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            programs = files.filter(p -> p.toString().endsWith(".bp")).sorted().toList();
        }
        assertThat(programs).isNotEmpty();
        return programs.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Consumer<Evaluation> check = checks.get(p.getFileName().toString());
            assertThat(check).as("a closed-form check for %s", p).isNotNull();
            check.accept(Evaluator.run(Parser.parse(Source.read(p)), null));
        }));
    }

    // ---- The exercises -----------------------------------------------------------------------

    private static void examTwoLayer(Evaluation ev) {
        double x1 = s(ev, "x1"), x2 = s(ev, "x2"), a = s(ev, "a"), b = s(ev, "b"), c = s(ev, "c"), d = s(ev, "d"),
                e = s(ev, "e"), f = s(ev, "f");
        double p1 = c * x1 + e * x2, p2 = d * x1 + f * x2;
        double r1 = pos(p1) * p1, r2 = Math.max(p2, 0);
        double s1 = sigmoid(a * r1), s2 = sigmoid(b * r2);
        double g1 = s1 * (1 - s1), g2 = s2 * (1 - s2);
        close(s(ev, "y"), s1 + s2);
        close(g(ev, "a"), r1 * g1);                                   // dy/da = r1 s1 (1 - s1)
        close(g(ev, "b"), r2 * g2);
        close(g(ev, "c"), a * g1 * pos(p1) * x1);
        close(g(ev, "e"), a * g1 * pos(p1) * x2);
        close(g(ev, "d"), b * g2 * pos(p2) * x1);                     // max(p2, 0) at a tie routes nothing to p2
        close(g(ev, "f"), b * g2 * pos(p2) * x2);
        close(g(ev, "x1"), a * g1 * pos(p1) * c + b * g2 * pos(p2) * d);
        close(g(ev, "x2"), a * g1 * pos(p1) * e + b * g2 * pos(p2) * f);
    }

    private static void sigmoidDerivative(Evaluation ev) {
        double[] x = v(ev.values().get("x"));
        double[] grad = v(ev.gradients().get("x"));
        for (int i = 0; i < x.length; i++) {
            close(grad[i], sigmoid(x[i]) * (1 - sigmoid(x[i])));      // s'(x) = s(x) (1 - s(x))
        }
        close(grad[1], 0.25);
    }

    private static void logisticRegression(Evaluation ev) {
        double[] x = v(ev.values().get("x")), w = v(ev.values().get("w"));
        double b = s(ev, "b"), y = s(ev, "y"), eta = s(ev, "eta");
        double h = sigmoid(dot(w, x) + b);
        double[] dw = v(ev.gradients().get("w")), wNew = v(ev.values().get("w_new"));
        for (int j = 0; j < x.length; j++) {
            close(dw[j], -x[j] * (y - h));                             // dL/dw_j = -x_j (y - h(x))
            close(wNew[j], w[j] + eta * x[j] * (y - h));               // w_j <- w_j + eta x_j (y - h(x))
            close(wNew[j], w[j] - eta * dw[j]);                        // ... which is the gradient step
        }
        close(g(ev, "b"), -(y - h));
    }

    private static void twoLayerSigmoidBce(Evaluation ev) {
        Net n = new Net(ev);
        double[] h = map(add(matvec(n.w1, n.x), n.b1), WorkedExamplesTest::sigmoid);
        double[] y = map(add(matvec(n.w2, h), n.b2), WorkedExamplesTest::sigmoid);
        n.expectBackprop(h, sub(y, n.t), sigmoidSlope(h));             // dE/dW2_ij = (y_i - t_i) h_j
    }

    private static void twoLayerSoftmax(Evaluation ev) {
        Net n = new Net(ev);
        double[] h = map(add(matvec(n.w1, n.x), n.b1), WorkedExamplesTest::sigmoid);
        double[] p = softmax(add(matvec(n.w2, h), n.b2));
        assertClose(v(ev.gradients().get("z")), sub(p, n.t));         // dE/dz = softmax(z) - t
        n.expectBackprop(h, sub(p, n.t), sigmoidSlope(h));
    }

    private static void reluSoftmaxCrossEntropy(Evaluation ev) {
        Net n = new Net(ev);
        double[] a = add(matvec(n.w1, n.x), n.b1);
        double[] r = map(a, z -> Math.max(z, 0));
        double[] p = softmax(add(matvec(n.w2, r), n.b2));
        n.expectBackprop(r, sub(p, n.t), map(a, WorkedExamplesTest::pos));   // delta1 = (W2^T delta2) * pos(a)
    }

    private static void deepReluLogistic(Evaluation ev) {
        double[][] xs = m(ev.values().get("X")), w1 = m(ev.values().get("W1")), w2 = m(ev.values().get("W2"));
        double[] y = v(ev.values().get("y")), b1 = v(ev.values().get("b1")), b2 = v(ev.values().get("b2")), w3 = v(ev.values().get("W3"));
        double b3 = s(ev, "b3");
        double[] db1 = new double[b1.length];
        double db3 = 0;
        for (int i = 0; i < xs.length; i++) {
            double[] z1 = add(matvec(w1, xs[i]), b1);
            double[] z2 = add(matvec(w2, map(z1, z -> Math.max(z, 0))), b2);
            double f = dot(w3, map(z2, z -> Math.max(z, 0))) + b3;
            double gi = -y[i] / (1 + Math.exp(y[i] * f));             // d log(1 + exp(-y f)) / df
            // (W3 diag(pos(z2)) W2 diag(pos(z1)))^T, a column: the product over the layers, transposed
            double[] row = new double[w2[0].length];
            for (int k = 0; k < w2.length; k++) {
                for (int j = 0; j < row.length; j++) {
                    row[j] += w3[k] * pos(z2[k]) * w2[k][j];
                }
            }
            for (int j = 0; j < db1.length; j++) {
                db1[j] += gi * row[j] * pos(z1[j]);
            }
            db3 += gi;
        }
        assertClose(v(ev.gradients().get("b1")), db1);
        close(g(ev, "b3"), db3);
    }

    /** The batch is the sum of its samples: each row's deltas as in the one-sample network, their outer products added. */
    private static void batchTwoLayerSoftmax(Evaluation ev) {
        double[][] xs = m(ev.values().get("X")), ts = m(ev.values().get("T")), w1 = m(ev.values().get("W1")), w2 = m(ev.values().get("W2"));
        double[] b1 = v(ev.values().get("b1")), b2 = v(ev.values().get("b2"));
        double[][] dw1 = new double[w1.length][w1[0].length], dw2 = new double[w2.length][w2[0].length];
        double[] db1 = new double[b1.length], db2 = new double[b2.length];
        for (int n = 0; n < xs.length; n++) {
            double[] h = map(add(matvec(w1, xs[n]), b1), WorkedExamplesTest::sigmoid);
            double[] delta2 = sub(softmax(add(matvec(w2, h), b2)), ts[n]);          // softmax(z) - t, per row
            double[] delta1 = new double[h.length];
            for (int j = 0; j < h.length; j++) {
                for (int i = 0; i < delta2.length; i++) {
                    delta1[j] += w2[i][j] * delta2[i];
                }
                delta1[j] *= h[j] * (1 - h[j]);
            }
            accumulate(dw2, outer(delta2, h));                                          // Delta2^T H, row by row
            accumulate(dw1, outer(delta1, xs[n]));
            accumulate(new double[][] {db2}, new double[][] {delta2});
            accumulate(new double[][] {db1}, new double[][] {delta1});
        }
        assertClose(m(ev.gradients().get("W2")), dw2);
        assertClose(m(ev.gradients().get("W1")), dw1);
        assertClose(v(ev.gradients().get("b2")), db2);
        assertClose(v(ev.gradients().get("b1")), db1);
    }

    private static void accumulate(double[][] into, double[][] add) {
        for (int i = 0; i < into.length; i++) {
            for (int j = 0; j < into[i].length; j++) {
                into[i][j] += add[i][j];
            }
        }
    }

    /** The two-layer networks' common backprop: W2, b2 from delta2; W1, b1 from delta1 = (W2^T delta2) * slope. */
    private static final class Net {
        final Evaluation ev;
        final double[] x, b1, b2, t;
        final double[][] w1, w2;

        Net(Evaluation ev) {
            this.ev = ev;
            x = v(ev.values().get("x"));
            t = v(ev.values().get("t"));
            b1 = v(ev.values().get("b1"));
            b2 = v(ev.values().get("b2"));
            w1 = m(ev.values().get("W1"));
            w2 = m(ev.values().get("W2"));
        }

        void expectBackprop(double[] hidden, double[] delta2, double[] slope) {
            assertClose(v(ev.gradients().get("b2")), delta2);
            assertClose(m(ev.gradients().get("W2")), outer(delta2, hidden));
            double[] delta1 = new double[hidden.length];
            for (int j = 0; j < hidden.length; j++) {
                for (int i = 0; i < delta2.length; i++) {
                    delta1[j] += w2[i][j] * delta2[i];
                }
                delta1[j] *= slope[j];
            }
            assertClose(v(ev.gradients().get("b1")), delta1);
            assertClose(m(ev.gradients().get("W1")), outer(delta1, x));
        }
    }

    // ---- Plain arithmetic ----------------------------------------------------------------------

    private static double s(Evaluation ev, String name) {
        return ev.values().get(name).item();
    }

    private static double g(Evaluation ev, String name) {
        return ev.gradients().get(name).item();
    }

    private static double[] v(Tensor t) {
        return t.toDoubleArray();
    }

    private static double[][] m(Tensor t) {
        int rows = t.shape()[0], cols = t.shape()[1];
        double[] flat = t.toDoubleArray();
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double pos(double z) {
        return z > 0 ? 1 : 0;
    }

    private static double[] sigmoidSlope(double[] h) {
        return map(h, x -> x * (1 - x));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] matvec(double[][] w, double[] x) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = dot(w[i], x);
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        double[] out = a.clone();
        for (int i = 0; i < a.length; i++) {
            out[i] += b[i];
        }
        return out;
    }

    private static double[] sub(double[] a, double[] b) {
        return add(a, map(b, x -> -x));
    }

    private static double[] map(double[] a, java.util.function.DoubleUnaryOperator f) {
        return java.util.Arrays.stream(a).map(f).toArray();
    }

    private static double[] softmax(double[] z) {
        double max = java.util.Arrays.stream(z).max().orElseThrow();
        double[] e = map(z, x -> Math.exp(x - max));
        double sum = java.util.Arrays.stream(e).sum();
        return map(e, x -> x / sum);
    }

    private static double[][] outer(double[] a, double[] b) {
        double[][] out = new double[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                out[i][j] = a[i] * b[j];
            }
        }
        return out;
    }

    private static void close(double actual, double expected) {
        assertThat(actual).isCloseTo(expected, within(TOL * Math.max(1, Math.abs(expected))));
    }

    private static void assertClose(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            close(actual[i], expected[i]);
        }
    }

    private static void assertClose(double[][] actual, double[][] expected) {
        assertThat(actual).hasDimensions(expected.length, expected[0].length);
        for (int i = 0; i < expected.length; i++) {
            assertClose(actual[i], expected[i]);
        }
    }
}
