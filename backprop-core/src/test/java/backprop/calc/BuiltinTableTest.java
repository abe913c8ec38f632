package backprop.calc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/calculator.md's table of functions is the {@link Builtin} table: same calls, same order, same derivatives. */
class BuiltinTableTest {
    private static final Path DOC = Path.of("../docs/calculator.md");
    private static final Pos AT = new Pos(1, 1);

    @Test
    void theDocListsEveryBuiltinWithTheDerivativeExplainPrints() throws IOException {
        List<String> documented = new ArrayList<>();
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("| `")) {
                String[] cells = line.split(" \\| ");
                documented.add(cells[0].substring(2) + " | " + cells[2].substring(0, cells[2].length() - 2));
            }
        }
        List<String> builtins = Arrays.stream(Builtin.values())
                .map(f -> "`" + f.usage() + "` | " + derivative(f)).toList();
        assertThat(documented).containsExactlyElementsOf(builtins);
    }

    /** What --explain prints for {@code y = f(x)} or {@code y = f(a, b)}, as the doc writes it. */
    private static String derivative(Builtin f) {
        List<String> names = f.minArgs() == 1 ? List.of("x") : List.of("a", "b");
        Expr call = new Expr.Call(f, names.stream().map(n -> (Expr) new Expr.Ref(n, AT)).toList(), AT);
        Definition y = new Definition("y", NodeKind.NODE, call, AT);
        List<String> rules = new ArrayList<>();
        for (String n : names) {
            Formula d = Formula.derivative(call, n, y, value -> value);
            if (d != null) {
                rules.add("`dy/d" + n + " = " + d.symbols() + "`");
            }
        }
        return rules.isEmpty() ? "the number only" : String.join(", ", rules);
    }
}
