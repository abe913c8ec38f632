package backprop.fuzz;

import backprop.InputException;
import backprop.calc.DotGraph;
import backprop.calc.Evaluation;
import backprop.calc.Evaluator;
import backprop.calc.Explainer;
import backprop.calc.FiniteDifferenceCheck;
import backprop.calc.JsonReport;
import backprop.calc.Parser;
import backprop.calc.Program;
import backprop.calc.Source;
import backprop.calc.Table;
import backprop.calc.UndefinedValueException;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;

/**
 * The calculator at depth: programs built from the input as the shapes that overflowed the Java
 * stack once (issue 17), around and past the parser's limits ({@link Parser#MAX_NESTING},
 * {@link Parser#MAX_DEPTH}): nested parentheses, chains of unary minus, long sums and products,
 * calls inside calls, and chains of definitions each using the one before, mixed and with fuzzed
 * text spliced in. Each program goes through everything {@code backprop grad} does with one
 * (evaluation, backpropagation, the finite-difference check, the table, JSON, DOT and the
 * explanation) and must end in a result or a documented error: never a StackOverflowError.
 * {@link CalculatorFuzzTest} fuzzes flat text; this one reaches depths random text never does.
 */
class CalculatorDepthFuzzTest {
    private static final List<String> FUNCTIONS = List.of("sin", "exp", "tanh", "relu", "sigmoid", "log", "sqrt", "abs", "softplus");
    private static final List<String> OPERATORS = List.of(" + ", " - ", " * ", " / ", " ^ ", "**");

    @FuzzTest(maxDuration = "30s")
    void deepProgramsEndInAResultOrADocumentedError(FuzzedDataProvider data) {
        StringBuilder program = new StringBuilder("input x = 0.5, v = [1, 2]\nparam w = 1.5\n");
        int chain = data.consumeInt(0, Parser.MAX_DEPTH + 100);
        // definitions each built on the one before: depth across names, not within one expression
        for (int i = 1; i <= chain; i++) {
            program.append("d").append(i).append(" = ").append(i == 1 ? "x" : "d" + (i - 1))
                    .append(OPERATORS.get(data.consumeInt(0, 3))).append(data.consumeBoolean() ? "w" : "1").append('\n');
        }
        program.append("y = ").append(expression(data, chain == 0 ? "x" : "d" + chain, 3)).append('\n');
        String text = program.toString();
        if (data.remainingBytes() > 0) {   // splice what is left in somewhere, to reach what the shapes alone do not
            String splice = data.consumeRemainingAsString();
            int at = Math.floorMod(splice.hashCode(), text.length() + 1);
            text = text.substring(0, at) + splice + text.substring(at);
        }
        try {
            Program parsed = Parser.parse(Source.of(Path.of("deep.bp"), text));
            Evaluation ev = Evaluator.run(parsed, null);
            FiniteDifferenceCheck.run(ev).render();
            Table.render(ev);
            JsonReport.render(ev);
            DotGraph.render(ev);
            Explainer.explain(ev);
        } catch (InputException | UndefinedValueException documented) {
            // the two outcomes the language defines for bad programs
        }
    }

    /** One of the deep shapes around {@code leaf}, {@code budget} levels of shapes inside shapes at most. */
    private static String expression(FuzzedDataProvider data, String leaf, int budget) {
        String inner = budget > 0 && data.consumeBoolean() ? expression(data, leaf, budget - 1) : leaf;
        int n = data.consumeInt(0, data.consumeBoolean() ? 2 * Parser.MAX_NESTING : 4 * Parser.MAX_DEPTH);
        return switch (data.consumeInt(0, 5)) {
            case 0 -> "(".repeat(n) + inner + ")".repeat(n);
            case 1 -> "-".repeat(n) + inner;
            case 2 -> {
                StringBuilder sum = new StringBuilder(inner);
                String op = OPERATORS.get(data.consumeInt(0, OPERATORS.size() - 1));
                for (int i = 0; i < n; i++) {
                    sum.append(op).append(data.consumeBoolean() ? "w" : "x");
                }
                yield sum.toString();
            }
            case 3 -> {
                String f = FUNCTIONS.get(data.consumeInt(0, FUNCTIONS.size() - 1));
                yield (f + "(").repeat(n) + inner + ")".repeat(n);
            }
            case 4 -> "v[".repeat(Math.min(n, 3)) + "0" + "]".repeat(Math.min(n, 3)) + " * " + inner;
            default -> "(" + inner + ")" + OPERATORS.get(data.consumeInt(0, OPERATORS.size() - 1)) + "(" + "-".repeat(n) + "w)";
        };
    }
}
