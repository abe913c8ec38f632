package backprop.calc;

import java.nio.file.Path;

/** Programs from strings, for the tests: the file name in messages is {@code t.bp}. */
final class CalcFixtures {
    static final Path FILE = Path.of("t.bp");

    private CalcFixtures() {}

    static Program parse(String text) {
        return Parser.parse(Source.of(FILE, text));
    }

    static Evaluation run(String text) {
        return Evaluator.run(parse(text), null);
    }

    static Evaluation run(String text, String of) {
        return Evaluator.run(parse(text), of);
    }
}
