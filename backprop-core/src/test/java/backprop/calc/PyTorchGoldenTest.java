package backprop.calc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The outside oracle: for every {@code golden/NAME.bp}, the calculator's values and gradients
 * match PyTorch's {@code NAME.json} (made by tools/golden/make_golden.py) to
 * {@code |a - b| <= 1e-9 max(1, |b|)}, with the same names and shapes.
 */
class PyTorchGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyFixtureMatchesPyTorch() throws IOException {
        List<Path> programs;
        try (Stream<Path> files = Files.list(GOLDEN)) {
            programs = files.filter(p -> p.toString().endsWith(".bp")).sorted().toList();
        }
        assertThat(programs).as("golden fixtures in %s", GOLDEN).isNotEmpty();
        return programs.stream().map(bp -> DynamicTest.dynamicTest(bp.getFileName().toString(), () -> check(bp)));
    }

    private static void check(Path bp) throws IOException {
        Path jsonFile = bp.resolveSibling(bp.getFileName().toString().replaceFirst("\\.bp$", ".json"));
        JsonNode expected = JSON.readTree(jsonFile.toFile());
        Evaluation ev = Evaluator.run(Parser.parse(Source.read(bp)), expected.get("of").asText());
        JsonNode actual = JSON.readTree(JsonReport.render(ev));   // the very text --json prints
        List<String> problems = new ArrayList<>();
        compareObjects("values", actual.get("values"), expected.get("values"), problems);
        compareObjects("gradients", actual.get("gradients"), expected.get("gradients"), problems);
        assertThat(problems).as(bp.toString()).isEmpty();
    }

    private static void compareObjects(String what, JsonNode actual, JsonNode expected, List<String> problems) {
        List<String> actualNames = new ArrayList<>();
        actual.fieldNames().forEachRemaining(actualNames::add);
        List<String> expectedNames = new ArrayList<>();
        expected.fieldNames().forEachRemaining(expectedNames::add);
        if (!actualNames.equals(expectedNames)) {
            problems.add(what + ": names " + actualNames + ", expected " + expectedNames);
        }
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (actual.has(name)) {
                compare(what + "." + name, actual.get(name), expected.get(name), problems);
            }
        }
    }

    private static void compare(String where, JsonNode a, JsonNode b, List<String> problems) {
        if (b.isNumber()) {
            if (!a.isNumber()) {
                problems.add(where + ": got " + a + ", expected the number " + b);
                return;
            }
            double x = a.doubleValue();
            double y = b.doubleValue();
            if (!(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)))) {
                problems.add(where + ": got " + x + ", expected " + y);
            }
        } else if (b.isArray()) {
            if (!a.isArray() || a.size() != b.size()) {
                problems.add(where + ": got " + a + ", expected " + b);
                return;
            }
            for (int i = 0; i < b.size(); i++) {
                compare(where + "[" + i + "]", a.get(i), b.get(i), problems);
            }
        } else {
            problems.add(where + ": the fixture holds " + b + ", expected a number or an array");
        }
    }
}
