package backprop.calc;

import static backprop.calc.CalcFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ExplainerTest {
    @Test
    void aScalarChainShowsEveryLocalDerivativeInSymbolsAndNumbers() {
        String text = Explainer.explain(run("input x = 3\nparam w = 2\nu = w * x\ny = sigmoid(u) + log(x)"));
        assertThat(text).contains("dy/dw = dy/du * du/dw" + System.lineSeparator())
                .contains("du/dw = x = 3   (u = w * x)")
                .contains("dy/du = sigmoid(u) * (1 - sigmoid(u)) = sigmoid(6) * (1 - sigmoid(6)) = 0.00246650929136")
                .contains("= 0.00246650929136 * 3 = 0.00739952787408")
                // y uses x directly too: that local derivative must not read like the total
                .contains("dy/dx = dy/du * du/dx + dy/dx (direct)")
                .contains("dy/dx (direct) = 1 / x = 1 / 3 = 0.333333333333");
    }

    @Test
    void sumsOverEveryPathAndSaysWhereTheOutputDoesNotDepend() {
        String text = Explainer.explain(run("input x = 3, z = 1\nh = x\ny = h*x + h"));
        assertThat(text).contains("dy/dx = dy/dh * dh/dx + dy/dx (direct)")
                .contains("dy/dh = x + 1 = 3 + 1 = 4")
                .contains("= 4 * 1 + 3 = 7")
                .contains("dy/dz = 0 (y does not depend on z)");
    }

    @Test
    void manyPathsAreCountedNotWalked() {
        StringBuilder p = new StringBuilder("input x = 1\n");
        String prev = "x";
        for (int i = 0; i < 40; i++) {
            p.append("a").append(i).append(" = ").append(prev).append(" * 1\n");
            p.append("c").append(i).append(" = a").append(i).append(" + ").append(prev).append('\n');
            prev = "c" + i;
        }
        String text = Explainer.explain(run(p + "y = " + prev));
        BigInteger more = BigInteger.TWO.pow(40).subtract(BigInteger.valueOf(Explainer.MAX_PATHS));
        assertThat(text).contains("+ ... (" + more + " more paths)");
    }

    @Test
    void aMatrixProgramIsExplainedNodeByNodeWithTheCoursesRules() {
        String text = Explainer.explain(run("input x = [1, 2]\nparam W = [[1, 0], [0, 1]]\nh = W @ x\ny = sum(h)"));
        assertThat(text).contains("dy/dy = 1 (the output)")
                .contains("delta_h (2) = 1   [a sum passes g to every element]")
                .contains("dy/dW (2x2) = delta_h x^T   [delta h^T: an outer product]")
                .contains("= [[1, 2], [1, 2]]")
                .contains("dy/dx (2) = W^T delta_h   [W^T delta]");
    }

    @Test
    void theExamTwoLayerDerivativeReadsInClosedForm() throws Exception {
        String text = Explainer.explain(Evaluator.run(Parser.parse(Source.read(java.nio.file.Path.of("../examples/exam-two-layer.bp"))), null));
        assertThat(text).contains("so dy/da = r1 * s1 * (1 - s1) = 0.209987170807")
                .contains("ds2/dr2 = b * s2 * (1 - s2) = 1 * 0.5 * (1 - 0.5) = 0.25")
                .doesNotContain("exp(-b * r2))^2");
    }

    /**
     * The matrix form names each node once, the course's rules by name, and numbers that read back
     * (to the 12 digits printed) as --json's gradients.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"relu-softmax-ce.bp", "batch-two-layer-softmax.bp"})
    void theMatrixFormNamesTheRulesAndItsNumbersAreTheJsonGradients(String example) throws Exception {
        Evaluation ev = Evaluator.run(Parser.parse(Source.read(java.nio.file.Path.of("../examples", example))), null);
        String text = Explainer.explain(ev);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(JsonReport.render(ev)).get("gradients");
        var line = java.util.regex.Pattern.compile("(?m)^(?:delta_(\\w+)|dL?E?/d(\\w+)) \\([^)]*\\) = .*\\R\\s+= (.*)$");
        var matcher = line.matcher(text);
        java.util.List<String> seen = new java.util.ArrayList<>();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            seen.add(name);
            double[] printed = java.util.Arrays.stream(matcher.group(3).replaceAll("[\\[\\]]", "").split(", "))
                    .mapToDouble(Double::parseDouble).toArray();
            double[] expected = flatten(json.get(name));
            assertThat(printed).as(name).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                assertThat(printed[i]).as(name + "[" + i + "]").isCloseTo(expected[i],
                        org.assertj.core.api.Assertions.within(1e-11 * Math.max(1, Math.abs(expected[i]))));
            }
        }
        java.util.List<String> nodes = ev.definitions().stream()
                .filter(d -> d.kind() != NodeKind.CONST && !d.name().equals(ev.of().name())).map(Definition::name).toList();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(nodes);      // each node once
        assertThat(text).contains("softmax(z) - t").contains("delta h^T").containsAnyOf("W2^T delta_z", "delta_Z W2");
        if (example.startsWith("relu")) {
            assertThat(text).contains("delta_a (4) = delta_r (.) [a > 0]   [the ReLU mask]")
                    .contains("dL/dW1 (4x3) = delta_a x^T").contains("delta_r (4) = W2^T delta_z   [W^T delta]");
        } else {
            assertThat(text).contains("dE/dW2 (3x2) = delta_Z^T H").contains("dE/db2 (3) = sum(delta_Z, 0)");
        }
    }

    private static double[] flatten(com.fasterxml.jackson.databind.JsonNode node) {
        if (node.isNumber()) {
            return new double[] {node.doubleValue()};
        }
        java.util.List<Double> out = new java.util.ArrayList<>();
        node.forEach(child -> java.util.Arrays.stream(flatten(child)).forEach(out::add));
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
