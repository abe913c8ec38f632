package backprop.calc;

import static backprop.calc.CalcFixtures.parse;
import static backprop.calc.CalcFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No program reaches a StackOverflowError: too deep is an input error naming the limit, at most as deep works everywhere. */
class DepthTest {
    private static final int HUGE = 100_000;

    static String program(String kind, int n) {
        String body = switch (kind) {
            case "parentheses" -> "(".repeat(n) + "x" + ")".repeat(n);
            case "sum" -> "x" + "+x".repeat(n - 1);
            case "product" -> "x" + "*x".repeat(n - 1);
            case "minus" -> "-".repeat(n) + "x";
            case "calls" -> "tanh(".repeat(n) + "x" + ")".repeat(n);
            case "brackets" -> "[".repeat(n) + "x" + "]".repeat(n);
            case "powers" -> "x" + "^x".repeat(n - 1);
            case "exponent minus" -> "x^" + "-".repeat(n) + "x";
            default -> throw new AssertionError(kind);
        };
        return "input x = 1\ny = " + body + "\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"parentheses", "sum", "product", "minus", "calls", "brackets", "powers", "exponent minus"})
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void aHundredThousandLevelsAreRefusedWithOneShortMessage(String kind) {
        assertThatThrownBy(() -> parse(program(kind, HUGE))).isInstanceOf(InputException.class)
                .hasMessageContaining(" deep (")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(600));
    }

    @ParameterizedTest
    @ValueSource(strings = {"parentheses", "sum", "product", "minus", "calls", "powers"})
    void justUnderTheLimitEvaluatesAndExplains(String kind) {
        boolean chain = kind.equals("sum") || kind.equals("product");   // a tower of powers nests, as a^(b^c)
        Evaluation ev = run(program(kind, chain ? Parser.MAX_DEPTH - 1 : Parser.MAX_NESTING - 2));
        assertThat(Explainer.explain(ev)).isNotEmpty();
        assertThat(DotGraph.render(ev)).isNotEmpty();
        assertThat(FiniteDifferenceCheck.run(ev).render()).isNotEmpty();
    }

    /**
     * Found by CalculatorDepthFuzzTest: each link of a chain's explanation copied every value of the
     * program, so --explain took the square of its length (16,000 definitions: 46 s; 30,000 would be minutes).
     * A chain this long also walks its paths with the explainer's own stack, not Java's.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aChainOfThirtyThousandDefinitionsExplainsInTimeLinearInItsLength() {
        StringBuilder text = new StringBuilder("input x0 = 1\n");
        for (int i = 1; i < 30_000; i++) {
            text.append("x").append(i).append(" = x").append(i - 1).append(" * 1\n");
        }
        assertThat(Explainer.explain(run(text.toString()))).contains("dx29999/dx0 = dx29999/dx29998 * ");
    }
}
