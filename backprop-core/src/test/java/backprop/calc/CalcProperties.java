package backprop.calc;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random smooth programs: the printed tree reads back the same, and backprop agrees with finite differences. */
class CalcProperties {
    private static final String LEAVES = "input a = 0.7, b = -1.3\nparam c = 2\n";

    @Property(tries = 60)
    void printingAndReparsingGivesTheSameTreeAndValue(@ForAll("expressions") String expression) {
        Program first = CalcFixtures.parse(LEAVES + "y = " + expression);
        String printed = Exprs.print(first.last().expr());
        Program second = CalcFixtures.parse(LEAVES + "y = " + printed);
        assertThat(Exprs.print(second.last().expr())).isEqualTo(printed);
        assertThat(Evaluator.run(second, null).values().get("y").item())
                .isEqualTo(Evaluator.run(first, null).values().get("y").item());
    }

    @Property(tries = 60)
    void backpropAgreesWithFiniteDifferences(@ForAll("expressions") String expression) {
        Evaluation ev = CalcFixtures.run(LEAVES + "h = " + expression + "\ny = h * a + sigmoid(h)");
        FiniteDifferenceCheck check = FiniteDifferenceCheck.run(ev);
        assertThat(check.passed()).as(check.render()).isTrue();
    }

    @Provide
    Arbitrary<String> expressions() {
        return Arbitraries.recursive(this::leaf, this::compound, 0, 4);
    }

    private Arbitrary<String> leaf() {
        return Arbitraries.oneOf(Arbitraries.of("a", "b", "c", "2", ".5", "1e-1", "007"));
    }

    private Arbitrary<String> compound(Arbitrary<String> inner) {
        return Arbitraries.oneOf(
                Combinators.combine(inner, Arbitraries.of("+", "-", "*"), inner).as((x, op, y) -> "(" + x + ") " + op + " (" + y + ")"),
                Combinators.combine(inner, Arbitraries.of("sigmoid", "tanh", "softplus")).as((x, f) -> f + "(" + x + ")"),
                inner.map(x -> "-(" + x + ")"),
                inner.map(x -> "(" + x + ")^2"),
                inner.map(x -> "(" + x + ") / (1 + (" + x + ")^2)"),
                inner.map(x -> "exp(tanh(" + x + "))"));
    }
}
