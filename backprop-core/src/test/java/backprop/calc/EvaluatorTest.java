package backprop.calc;

import static backprop.calc.CalcFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    private static final Path SPEC_EXAMPLE = Path.of("../examples/exam-two-layer.bp");

    private static double grad(Evaluation ev, String name) {
        return ev.gradients().get(name).item();
    }

    private static double value(Evaluation ev, String name) {
        return ev.values().get(name).item();
    }

    @Test
    void theSpecExampleReproducesItsNumbersTo12Digits() throws IOException {
        Evaluation ev = Evaluator.run(Parser.parse(Source.of(SPEC_EXAMPLE, Files.readString(SPEC_EXAMPLE))), null);
        assertThat(ev.of().name()).isEqualTo("y");
        Map<String, Double> values = Map.of("r1", 2.0, "r2", 0.0, "s1", 0.880797077978, "s2", 0.5, "y", 1.380797077978);
        values.forEach((n, v) -> assertThat(value(ev, n)).as(n).isCloseTo(v, within(5e-13)));
        Map<String, Double> gradients = Map.of("a", 0.209987170807, "b", 0.0, "c", 0.104993585404, "d", 0.0,
                "e", -0.104993585404, "f", 0.0, "x1", 0.419974341614, "x2", 0.209987170807);
        gradients.forEach((n, g) -> assertThat(grad(ev, n)).as("dy/d" + n).isCloseTo(g, within(5e-13)));
        double s1 = 1 / (1 + Math.exp(-2));
        assertThat(grad(ev, "a")).isCloseTo(2 * s1 * (1 - s1), within(1e-15));   // dy/da = r1 s1 (1 - s1)
    }

    @Test
    void anAdjointHoldsEverythingNotDownstreamFixed() {
        // the spec's own example: for h = x and y = h*x + h, dy/dh = x + 1 while dy/dx = h + x + 1
        Evaluation ev = run("input x = 3\nh = x\ny = h*x + h");
        assertThat(grad(ev, "h")).isEqualTo(4);
        assertThat(grad(ev, "x")).isEqualTo(7);
    }

    @Test
    void aNodeComputedOnlyFromConstsStillGetsItsAdjoint() {
        Evaluation ev = run("const t = 2\nk = t * 3\nk2 = k\ninput x = 5\ny = k * x + k2");
        assertThat(grad(ev, "k")).isEqualTo(6);   // x directly, plus 1 through k2
        assertThat(grad(ev, "k2")).isEqualTo(1);
        assertThat(ev.gradients()).doesNotContainKey("t");
        assertThat(run("const t = 2\ny = t * 3").gradients().get("y").item()).isEqualTo(1);
    }

    @Test
    void constsAreNeverDifferentiatedButEverythingElseIsReported() {
        Evaluation ev = run("const t = [1, 0]\nparam z = [0.5, -0.5]\nL = cross_entropy(z, t)");
        assertThat(ev.values()).containsOnlyKeys("t", "z", "L");
        assertThat(ev.gradients()).containsOnlyKeys("z", "L");
    }

    @Test
    void theOutputCanBeAnyNonConstNodeAndUnrelatedNodesGetZero() {
        Evaluation ev = run("input x = 2, w = 3\nu = x * w\nv = x + w", "u");
        assertThat(grad(ev, "x")).isEqualTo(3);
        assertThat(grad(ev, "v")).isZero();
        assertThat(grad(run("input x = 2\ny = x^2", "x"), "x")).isEqualTo(1);
    }

    @Test
    void nonSmoothPointsFollowPosOfZeroIsZero() {
        Evaluation ev = run("input x = 0, a = 1, b = 1\nr = relu(x) + abs(x) + max(x, 0) + min(x, 0)\nm = max(a, b) + 2*min(a, b)\ny = r + m");
        assertThat(grad(ev, "x")).isZero();
        assertThat(grad(ev, "a")).isEqualTo(0);   // max routes ties to b; min routes ties to b too (a < b is false)
        assertThat(grad(ev, "b")).isEqualTo(3);
    }

    @Test
    void powerDifferentiatesBothOperands() {
        Evaluation ev = run("input a = 2, b = 3\ny = a^b");
        assertThat(grad(ev, "a")).isCloseTo(12, within(1e-12));
        assertThat(grad(ev, "b")).isCloseTo(8 * Math.log(2), within(1e-12));
    }

    @Test
    void listLiteralsOfNodesPassGradientsBackToEachElement() {
        Evaluation ev = run("input a = 2, u = [1, 2], v = [3, 4]\nw = [a, 1/3]\nM = [u, v]\ny = sum(w * w) + sum(M @ [1, 1])");
        assertThat(grad(ev, "a")).isEqualTo(4);
        assertThat(ev.gradients().get("u").toDoubleArray()).containsExactly(1, 1);
        assertThat(ev.values().get("M").shape()).containsExactly(2, 2);
    }

    @Test
    void stableLossesStayFiniteAtLogitsOf1000() {
        Evaluation ev = run("param z = [1000, -1000]\nconst t = [0, 1], y = [-1, 1]\n"
                + "L = cross_entropy(z, t) + bce_logits(z, t) + logistic(z, y) + sum(softplus(z)) + sum(log_softmax(z))");
        assertThat(value(ev, "L")).isFinite();
        assertThat(ev.gradients().get("z").isFinite()).isTrue();
    }

    // ---- Undefined values: exit 1, the first node in evaluation order, then in backprop order ---------

    @Test
    void aNonFiniteValueNamesTheFirstNodeInEvaluationOrderAndItsLine() {
        assertThatThrownBy(() -> run("input x = 0\nu = log(x)\nv = sqrt(-1 - x)\ny = u + v"))
                .isInstanceOf(UndefinedValueException.class)
                .hasMessageStartingWith("t.bp:2:5: undefined value in 'u' (line 2, log(...)): its value is not finite (-Infinity)");
        assertThatThrownBy(() -> run("input x = 0\ny = x^-1"))
                .isInstanceOf(UndefinedValueException.class).hasMessageContaining("'y' (line 2");
        assertThatThrownBy(() -> run("param p = 1.5\nconst t = 1\nL = bce(p, t)"))
                .isInstanceOf(UndefinedValueException.class).hasMessageContaining("'L' (line 3");
    }

    @Test
    void aNonFiniteGradientNamesTheNodeWhoseBackwardRuleProducedIt() {
        // values are finite (sqrt(0) = 0), but d sqrt(x)/dx at 0 is infinite
        assertThatThrownBy(() -> run("input x = 0\nr = sqrt(x)\ny = 2 * r"))
                .isInstanceOf(UndefinedValueException.class)
                .hasMessageStartingWith("t.bp:2:5: undefined value in 'r' (line 2, sqrt(...)): its backward rule");
        // d(a^b)/db = a^b ln(a) is undefined for a = 0 (the exponent's derivative where a <= 0)
        assertThatThrownBy(() -> run("input a = 0, b = 2\ny = a^b"))
                .isInstanceOf(UndefinedValueException.class)
                .hasMessageContaining("'y' (line 2, operator '^')");
    }

    @Test
    void aLossRefusesMismatchedShapesNamingBothAndTheFix() {
        // the deep-ReLU bug: a (2,1) column of scores against 2 labels would broadcast to a 2x2 loss
        assertThatThrownBy(() -> run("param F = [[0.5], [-1]]\nconst Y = [1, -1]\nL = logistic(F, Y)"))
                .hasMessageStartingWith("t.bp:3:5: shape mismatch in logistic(...)")
                .hasMessageContaining("got shapes [2, 1] and [2]").hasMessageContaining("flatten(...) of the first argument");
        assertThatThrownBy(() -> run("param Z = [[1, 2], [3, 4]]\nconst t = [1, 0]\nL = mse(Z, t)"))
                .hasMessageContaining("got shapes [2, 2] and [2]").hasMessageContaining("sum(..., 1)");
        assertThat(value(run("param z = [1, 2]\nL = sse(z, 1)"), "L")).isEqualTo(1.0);      // a scalar target is every element's
        assertThat(value(run("param Z = [[1, 2], [3, 4]]\nL = cross_entropy(Z, [0, 1])"), "L")).isPositive();   // one row for every row
    }

    @Test
    void indexingReshapeFlattenLogsumexpAndStarStar() {
        Evaluation ev = run("param M = [[1, 2, 3], [4, 5, 6]]\na = M[1, -1] + M[0, :][1] + sum(M[:, 0])\n"
                + "b = sum(reshape(M, 3, 2)[2, :]) + flatten(M)[3] + 2**3**0 + -2**2\nc = logsumexp([1000, 1000])\ny = a + b + c");
        assertThat(value(ev, "a")).isEqualTo(6 + 2 + 5);
        assertThat(value(ev, "b")).isEqualTo(11 + 4 + 2 - 4);
        assertThat(value(ev, "c")).isCloseTo(1000 + Math.log(2), within(1e-12));
        assertThat(ev.gradients().get("M").toDoubleArray()).containsExactly(1, 1, 0, 2, 1, 2);
        assertThatThrownBy(() -> run("param v = [1, 2]\ny = v[2]"))
                .hasMessageStartingWith("t.bp:2:6: index [2] is out of range for shape [2]");
        assertThatThrownBy(() -> run("param v = [1, 2, 3]\ny = sum(reshape(v, 2, 2))"))
                .hasMessageContaining("reshape(...): cannot make shape [2, 2] (4 elements) of shape [3]");
        assertThatThrownBy(() -> run("param v = [1, 2]\ny = v[0.5]")).hasMessageContaining("an index is a whole number");
    }

    @Test
    void checkNamesAKinkAndDoesNotCountIt() {
        FiniteDifferenceCheck check = FiniteDifferenceCheck.run(run("input x = 0, w = 2\nr = relu(x)\ny = r * w + w"));
        assertThat(check.passed()).isTrue();
        assertThat(check.kinks()).containsExactly("at a kink of relu in r (line 2): the analytic gradient follows the convention "
                + "relu'(0) = 0; the finite difference is one-sided", null);
        assertThat(check.render()).contains("check passed (1 leaf at a kink, not counted)");
        FiniteDifferenceCheck away = FiniteDifferenceCheck.run(run("input x = 0.5\ny = relu(x) + abs(x) + max(x, 0)"));
        assertThat(away.kinks()).containsOnlyNulls();
        assertThat(away.passed()).isTrue();
    }
}
