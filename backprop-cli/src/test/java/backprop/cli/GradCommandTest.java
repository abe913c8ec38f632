package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.calc.Evaluation;
import backprop.calc.Evaluator;
import backprop.calc.Parser;
import backprop.calc.Source;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** {@code backprop grad} end to end, run as a separate process the way a user runs it. */
class GradCommandTest {
    private static final Path EXAMPLES = Path.of("../examples").toAbsolutePath().normalize();
    private static final Path SPEC_EXAMPLE = EXAMPLES.resolve("exam-two-layer.bp");

    @TempDir
    Path dir;

    record Result(int status, String out, String err) {}

    static Result backprop(Map<String, String> env, Path cwd, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "backprop.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        int status = pb.start().waitFor();
        Result r = new Result(status, Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** As a separate process: for what only a process shows (exit status, streams, no stack trace, environment). */
    Result process(String... args) throws IOException, InterruptedException {
        return backprop(Map.of(), dir, args);
    }

    /** In this JVM, through the same command line and handlers as {@link Main#main}: fast, for the many cases. */
    static Result backprop(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int status = cl.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    /** Issue 17: 100,000 nested parentheses and a sum of 100,000 terms end in exit 2 and one short message, in a fresh JVM, within 5 s. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"parentheses", "sum", "minus"})
    void aHundredThousandLevelsExitTwoWithinFiveSeconds(String kind) throws Exception {
        String body = switch (kind) {
            case "parentheses" -> "(".repeat(100_000) + "x" + ")".repeat(100_000);
            case "sum" -> "x" + "+x".repeat(99_999);
            default -> "-".repeat(100_000) + "x";
        };
        Path p = program("input x = 1\ny = " + body + "\n");
        long start = System.nanoTime();
        Result r = backprop(Map.of(), dir, "grad", p.toString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(" deep (").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().lines().findFirst().orElseThrow().length()).isLessThan(300);
        assertThat(r.err().length()).isLessThan(600);
        assertThat(millis).isLessThan(5_000);
    }

    /** Issue 17: an editor that saves UTF-8 with a byte-order mark must not turn the first line into an error. */
    @Test
    void aProgramThatStartsWithAByteOrderMarkIsRead() throws Exception {
        Result r = backprop("grad", program("\uFEFFinput x = 3\ny = x^2\n").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("x     input  scalar  3      6");
    }

    Path program(String text) throws IOException {
        Path p = dir.resolve("t.bp");
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void theTableListsEveryNodeInDefinitionOrder() throws Exception {
        Result r = process("grad", SPEC_EXAMPLE.toString());
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("name").contains("kind", "shape", "value", "dy/d(node)");
        assertThat(lines).hasSize(14);
        assertThat(lines.get(1).split("\\s+")).containsExactly("x1", "input", "scalar", "1", "0.419974341614");
        assertThat(lines.get(13).split("\\s+")).containsExactly("y", "node", "scalar", "1.380797077978", "1");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void constsHaveABlankGradient() throws Exception {
        Result r = backprop("grad", program("const t = 2\ninput x = 3\ny = t * x").toString());
        assertThat(r.out().lines().toList().get(1).split("\\s+")).containsExactly("t", "const", "scalar", "2");
    }

    @Test
    void jsonIsOneObjectWhoseDoublesRoundTrip() throws Exception {
        Result r = process("grad", SPEC_EXAMPLE.toString(), "--json");
        assertThat(r.status()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.isObject()).isTrue();
        assertThat(r.out().strip().lines()).hasSize(1);
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("of", "values", "gradients");
        assertThat(json.get("of").asText()).isEqualTo("y");
        Evaluation ev = Evaluator.run(Parser.parse(Source.read(SPEC_EXAMPLE)), null);
        ev.values().forEach((name, t) -> assertThat(json.get("values").get(name).doubleValue()).isEqualTo(t.item()));
        ev.gradients().forEach((name, t) -> assertThat(json.get("gradients").get(name).doubleValue()).isEqualTo(t.item()));
        assertThat(json.get("gradients").has("y")).isTrue();
    }

    @Test
    void jsonHoldsVectorsAsArraysAndMatricesAsRows() throws Exception {
        Result r = backprop("grad", program("input v = [1, 2]\nparam M = [[1, 2], [3, 4]]\ny = sum(M @ v)").toString(), "--json");
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("values").get("M").toString()).isEqualTo("[[1.0,2.0],[3.0,4.0]]");
        assertThat(json.get("gradients").get("M").toString()).isEqualTo("[[1.0,2.0],[1.0,2.0]]");
        assertThat(json.get("gradients").get("v").toString()).isEqualTo("[4.0,6.0]");
    }

    @Test
    void ofChoosesTheOutput() throws Exception {
        Result r = backprop("grad", SPEC_EXAMPLE.toString(), "--of", "s1", "--json");
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("of").asText()).isEqualTo("s1");
        assertThat(json.get("gradients").get("b").doubleValue()).isZero();
    }

    @Test
    void badInputAsAProcessExitsWith2WithoutAStackTrace() throws Exception {
        assertBadInput(process("grad", program("input x = 1\ny = (x + 1").toString()), "t.bp:2:11:");
    }

    @TestFactory
    Stream<DynamicTest> everyErrorClassExitsWith2AndLineAndColumnAndNoStackTrace() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("input x = 1\ny = x +", "t.bp:2:8:");
        cases.put("input x = 1\ny = (x + 1", "t.bp:2:11:");
        cases.put("input x = 1\ny = x $ 1", "t.bp:2:7:");
        cases.put("input exp = 1", "t.bp:1:7:");
        cases.put("input x = 1\ny = x + z", "t.bp:2:9:");
        cases.put("input x = 1\nx = 2", "t.bp:2:1:");
        cases.put("y = w\nparam w = 1", "t.bp:1:5:");
        cases.put("input m = [[1, 2], [3]]", "t.bp:1:20:");
        cases.put("input u = [1, 2, 3], v = [1, 2]\ny = sum(u * v)", "t.bp:2:11:");
        cases.put("input x = 1\ny = max(x)", "t.bp:2:5:");
        cases.put("input x = 1\ny = foo(x)", "t.bp:2:5:");
        cases.put("input v = [1, 2]\ny = 2 * v", "t.bp:2:1:");
        cases.put("# nothing here\n", "t.bp:1:1:");
        return cases.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getValue() + " " + c.getKey().replace('\n', '|'), () -> {
            assertBadInput(backprop("grad", program(c.getKey()).toString()), c.getValue());
        }));
    }

    private static void assertBadInput(Result r, String prefix) {
        assertThat(r.status()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(prefix).contains("expected").doesNotContain("at backprop.").doesNotContain("Exception");
        assertThat(r.err().lines().filter(l -> l.strip().equals("^")).count()).isEqualTo(1);
    }

    @Test
    void badOfAndUnreadableFilesAreBadInput() throws Exception {
        Path p = program("input v = [1, 2]\nconst t = 1\ny = sum(v)");
        Result unknown = backprop("grad", p.toString(), "--of", "nope");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("t.bp: --of nope: no such name").doesNotContain("at backprop.");
        assertBadInput(backprop("grad", p.toString(), "--of", "t"), "t.bp:2:7:");
        assertBadInput(backprop("grad", p.toString(), "--of", "v"), "t.bp:1:7:");
        Result missing = backprop("grad", dir.resolve("missing.bp").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("missing.bp: cannot read the program: no such file").doesNotContain("at backprop.");
    }

    @Test
    void debugShowsTheStackTraceOfBadInput() throws Exception {
        Result r = process("--debug", "grad", program("y = ").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("t.bp:1:4:").contains("at backprop.");
    }

    @Test
    void anUndefinedValueExitsWith1NamingTheNodeWithNothingOnStandardOutput() throws Exception {
        for (String flag : List.of("--json", "--explain")) {
            Result r = process("grad", program("input x = 0\nu = log(x)\ny = u * 2").toString(), flag);
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).contains("t.bp:2:5:", "'u'", "line 2").doesNotContain("at backprop.").doesNotContain("NaN\"");
        }
    }

    @TestFactory
    Stream<DynamicTest> checkPassesOnEveryExample() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            examples = files.filter(p -> p.toString().endsWith(".bp")).sorted().toList();
        }
        return examples.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Result r = backprop("grad", p.toString(), "--check", "--explain");
            assertThat(r.status()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("check passed").containsAnyOf("chain rule from", "backpropagation from");
        }));
    }

    @Test
    void aFailedCheckExitsWith1AndAKinkIsNamedNotFailed() throws Exception {
        // x - h < 0: the finite difference takes a sqrt of a negative number and cannot agree
        Result failed = backprop("grad", program("input x = 1e-9\ny = sqrt(x)").toString(), "--check");
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED");
        // relu at exactly 0: backprop says 0 (pos(0) = 0), central differences see slope 1/2
        Result kink = backprop("grad", program("input x = 0\ny = relu(x)").toString(), "--check");
        assertThat(kink.status()).as(kink.out()).isZero();
        assertThat(kink.out()).contains("at a kink of relu in y (line 2): the analytic gradient follows the convention relu'(0) = 0")
                .contains("check passed (1 leaf at a kink, not counted)");
    }

    @Test
    void explainWritesTheChainRuleLikeAWorkedSolution() throws Exception {
        Result r = backprop("grad", SPEC_EXAMPLE.toString(), "--explain");
        assertThat(r.out()).contains("dy/da = dy/ds1 * ds1/da")
                .contains("ds1/da = r1 * s1 * (1 - s1) = 2 * 0.880797077978 * (1 - 0.880797077978) = 0.209987170807")
                .contains("so dy/da = r1 * s1 * (1 - s1) = 0.209987170807");
        Result vector = backprop("grad", EXAMPLES.resolve("relu-softmax-ce.bp").toString(), "--explain");
        assertThat(vector.out()).contains("delta_z (2) = softmax(z) - t")
                .contains("dL/dW1 (4x3) = delta_a x^T").containsOnlyOnce("dL/dW1 (");
    }

    @Test
    void aLossOfMismatchedShapesIsBadInput() throws Exception {
        Result r = backprop("grad", program("param F = [[0.5], [-1]]\nconst Y = [1, -1]\nL = logistic(F, Y)").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(":3:5: shape mismatch in logistic(...)").contains("[2, 1] and [2]").contains("flatten");
    }

    @Test
    void svgAndDotAreWrittenWhole() throws Exception {
        Path svg = dir.resolve("g.svg");
        Path dot = dir.resolve("g.dot");
        Result r = process("grad", SPEC_EXAMPLE.toString(), "--svg", svg.toString(), "--dot", dot.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(Files.readString(dot)).startsWith("digraph grad {").contains("\"s1\" -> \"y\";").contains("<TABLE");
        assertThat(Files.readString(svg)).contains("<svg").contains("= sigmoid(a * r1)");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void svgWithoutGraphvizSaysWhatIsNeeded() throws Exception {
        Result r = backprop(Map.of("PATH", dir.toString()), dir, "grad", SPEC_EXAMPLE.toString(), "--svg", "g.svg");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("Graphviz").contains("apt-get install graphviz").doesNotContain("at backprop.");
        assertThat(dir.resolve("g.svg")).doesNotExist();
    }

    @Test
    void usageVersionAndBadOptions() throws Exception {
        Result none = backprop();
        assertThat(none.status()).isZero();
        assertThat(none.out()).contains("Usage: backprop").contains("grad");
        Result version = backprop("--version");
        assertThat(version.out()).startsWith("backprop ").doesNotContain("${");
        Result help = backprop("grad", "--help");
        assertThat(help.out()).contains("--of=NAME", "--json", "--explain", "--check", "--dot", "--svg")
                .contains("logsumexp(x[, axis])", "reshape(x, r[, c])", "cross_entropy(a, b)", "x[i], m[i, j]");
        assertThat(help.out().lines().count()).as("one screen").isLessThan(60);
        assertThat(help.out().lines()).allMatch(line -> line.length() <= 80);
        Result bad = backprop("grad", "--nope", SPEC_EXAMPLE.toString());
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("--nope");
        assertThat(backprop("grad").status()).isEqualTo(2);
    }
}
