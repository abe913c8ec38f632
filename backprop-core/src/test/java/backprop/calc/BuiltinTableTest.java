package backprop.calc;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/grad-language.md's table of functions is the {@link Builtin} table: same calls, same
 * order, same summaries, and the two derivatives --explain prints, both made from the entry's one rule.
 */
class BuiltinTableTest {
    static final Path DOC = Path.of("../docs/grad-language.md");
    private static final Pos AT = new Pos(1, 1);

    @Test
    void theDocListsEveryBuiltinWithTheDerivativesExplainPrints() throws IOException {
        List<String> documented = Files.readAllLines(DOC).stream().filter(l -> l.matches("\\| `[a-z_]+\\(.*")).toList();
        assertThat(documented).as("the function rows of %s; expected:%n%s", DOC, String.join("\n", rows()))
                .containsExactlyElementsOf(rows());
    }

    /** The rows the doc must hold, one per builtin. */
    static List<String> rows() {
        return Arrays.stream(Builtin.values()).map(f -> "| `" + f.usage() + "` | " + f.summary() + " | "
                + scalar(f) + " | " + matrix(f) + " |").toList();
    }

    /** What the scalar chain prints for {@code y = f(x)} or {@code y = f(a, b)}; a dash where the arguments cannot be scalars. */
    private static String scalar(Builtin f) {
        if (List.of(Builtin.SOFTMAX, Builtin.LOG_SOFTMAX, Builtin.DOT, Builtin.CROSS_ENTROPY).contains(f)) {
            return "-";
        }
        List<String> names = names(f);
        Expr call = new Expr.Call(f, names.stream().map(n -> (Expr) new Expr.Ref(n, AT)).toList(), AT);
        Definition y = new Definition("y", NodeKind.NODE, call, AT);
        List<String> rules = new ArrayList<>();
        for (String n : names) {
            rules.add("`dy/d" + n + " = " + Formula.derivative(call, n, y, value -> value).symbols() + "`");
        }
        return String.join(", ", rules);
    }

    /** What the matrix form prints for the arguments' shares of the adjoint g of {@code y = f(...)}, arguments 2x3 matrices. */
    private static String matrix(Builtin f) {
        List<String> names = names(f);
        Tensor oneHot = Tensor.matrix(new double[][] {{1, 0, 0}, {0, 1, 0}});
        List<Tensor> values = names.stream().map(n -> oneHot).toList();
        List<Formula> args = names.stream().map(n -> Formula.atom(n, n)).toList();
        Builtin.Chain chain = new Builtin.Chain(Formula.atom("y", "y"), args, values, true);
        List<String> shares = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            shares.add("`" + names.get(i) + ": " + f.adjoint(chain, i, Formula.atom("g", "g")).symbols() + "`");
        }
        return String.join(", ", shares);
    }

    private static List<String> names(Builtin f) {
        return f.minArgs() == 2 && f.maxArgs() == 2 ? List.of("a", "b") : List.of("x");
    }
}
