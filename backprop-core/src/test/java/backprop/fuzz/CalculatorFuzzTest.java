package backprop.fuzz;

import backprop.InputException;
import backprop.calc.Evaluator;
import backprop.calc.Parser;
import backprop.calc.Program;
import backprop.calc.Source;
import backprop.calc.UndefinedValueException;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;

/**
 * Any text given to the calculator ends in a result or in a documented error: an input error
 * (exit 2) or an undefined value (exit 1). Anything else is a bug. Plain test runs replay the
 * seed corpus; {@code bin/fuzz} fuzzes for a bounded time.
 */
class CalculatorFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyProgramEndsInAResultOrADocumentedError(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            Program program = Parser.parse(Source.of(Path.of("fuzz.bp"), text));
            Evaluator.run(program, null);
        } catch (InputException | UndefinedValueException documented) {
            // the two outcomes the spec defines for bad programs
        }
    }
}
