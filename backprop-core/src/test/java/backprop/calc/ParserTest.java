package backprop.calc;

import static backprop.calc.CalcFixtures.parse;
import static backprop.calc.CalcFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParserTest {
    private static double value(String expression) {
        return run("y = " + expression).values().get("y").item();
    }

    private static String tree(String expression) {
        return Exprs.print(parse("input a = 1, b = 2, c = 3, d = 4, e = 5, x = 2\ninput A = [[1]], B = [[1]], C = [[1]]\n"
                + "y = " + expression).last().expr());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "-2^2; -4",
        "2^3^2; 512",
        "2^-1; 0.5",
        "2^-1^2; 0.5",
        "(-2)^2; 4",
        "1 - 2 - 3; -4",
        "8 / 4 / 2; 1",
        "2 + 3 * 4; 14",
        "-3 * 2; -6",
        "- -3; 3",
        "2 * -3; -6",
        "--2^2; 4",
        "1 - -1; 2",
    })
    void precedenceAndAssociativityFollowTheSpec(String expression, double expected) {
        assertThat(value(expression)).isEqualTo(expected);
    }

    @Test
    void theTreeReadsBackWithTheParenthesesItNeeds() {
        assertThat(tree("a^-b")).isEqualTo("a ^ -b");
        assertThat(tree("-x^2")).isEqualTo("-x ^ 2");
        assertThat(tree("(a + b) * c - (d - e)")).isEqualTo("(a + b) * c - (d - e)");
        assertThat(tree("A @ B @ C")).isEqualTo("A @ B @ C");
        assertThat(tree("(a^b)^c")).isEqualTo("(a ^ b) ^ c");
    }

    @Test
    void matmulIsLeftAssociativeWithStarAndSlash() {
        Expr e = parse("input A = [[1]], B = [[1]], c = 2\ny = A @ B * c").last().expr();
        assertThat(e).isInstanceOf(Expr.Binary.class);
        assertThat(((Expr.Binary) e).op()).isEqualTo(Expr.Op.MUL);
    }

    @Test
    void leafStatementsDefineSeveralNamesAndMayUseEarlierConsts() {
        Program p = parse("const k = 2, m = k * 3\ninput x = max(1, m), v = [1, 2]\nparam w = 0.5\ny = x * w");
        assertThat(p.definitions()).extracting(Definition::name).containsExactly("k", "m", "x", "v", "w", "y");
        assertThat(p.definitions()).extracting(Definition::kind)
                .containsExactly(NodeKind.CONST, NodeKind.CONST, NodeKind.INPUT, NodeKind.INPUT, NodeKind.PARAM, NodeKind.NODE);
        assertThat(run("const k = 2, m = k * 3\ninput x = max(1, m)\ny = x").values().get("x").item()).isEqualTo(6);
    }

    @Test
    void capitalisedFunctionNamesAreOrdinaryNames() {
        assertThat(run("input Sum = 2, Exp = 3\ny = Sum * Exp").values().get("y").item()).isEqualTo(6);
    }

    @Test
    void leavesMayBeDeclaredAfterInteriorNodesThatDoNotUseThem() {
        assertThat(run("const a = 1\nh = a * 2\ninput x = 3\ny = h * x").gradients().get("h").item()).isEqualTo(3);
    }

    @Test
    void blankAndCommentLinesAreIgnored() {
        assertThat(parse("\n# only a comment\n   \ninput x = 1 # trailing\n").definitions()).hasSize(1);
    }

    // ---- Every error class of the spec, with its line and column ----------------------------

    private static void rejects(String program, String location, String... fragments) {
        assertThatThrownBy(() -> run(program))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("t.bp:" + location + ": ")
                .satisfies(e -> {
                    assertThat(e.getMessage()).contains(fragments);
                    assertThat(e.getMessage()).contains("expected");
                    assertThat(e.getMessage().lines().count()).as("message, line and caret").isEqualTo(3);
                });
    }

    @Test
    void aDanglingOperatorIsReportedOnItsOwnLine() {
        rejects("input x = 1\ny = x +\nz = 2", "2:8", "after '+'", "end of line");
    }

    @Test
    void anUnclosedParenthesisIsReportedOnItsOwnLine() {
        rejects("input x = 1\ny = (x + 1\nz = 2", "2:11", "unclosed '('", "column 5");
        rejects("input x = 1\ny = [x, 1\n", "2:10", "unclosed '['");
        rejects("input x = 1\ny = exp(x\n", "2:10", "unclosed '('");
    }

    @Test
    void syntaxErrors() {
        rejects("input x = 1\ny = x x", "2:7", "expected an operator or end of line", "name 'x'");
        rejects("y 1", "1:3", "expected '=' after 'y'");
        rejects("= 1", "1:1", "expected a name to define");
        rejects("input x = 1,", "1:13", "expected a name to define", "end of line");
        rejects("y = )", "1:5", "expected an expression");
        rejects("y = 1.2.3", "1:8", "expected an operator");
        rejects("y = 2x", "1:6", "name 'x'");
    }

    @Test
    void reservedNames() {
        rejects("input exp = 1", "1:7", "'exp' is reserved (a function)");
        rejects("const = 1", "1:7", "expected a name to define");
        rejects("sum = 1", "1:1", "'sum' is reserved");
        rejects("input param = 1", "1:7", "'param' is reserved (a keyword)");
        rejects("input x = 1\ny = exp + x", "2:9", "'exp' is a function; expected '('");
        rejects("input x = 1\ny = x + const", "2:9", "'const' is a keyword");
    }

    @Test
    void unknownNamesAndFunctions() {
        rejects("input x = 1\ny = x + z", "2:9", "unknown name 'z'");
        rejects("input x = 1\ny = foo(x)", "2:5", "unknown function 'foo'");
        rejects("input x = 1\ny = Sum(x)", "2:5", "unknown function 'Sum'");
        rejects("y = y + 1", "1:5", "unknown name 'y'");
    }

    @Test
    void namesDefinedTwiceOrUsedBeforeTheirDefinition() {
        rejects("input x = 1\nparam w = 2\nx = w", "3:1", "'x' is already defined on line 1");
        rejects("input x = 1, x = 2", "1:14", "already defined on line 1");
        rejects("input x = 1\ny = x * w\nparam w = 2", "2:9", "'w' is used before its definition on line 3");
    }

    @Test
    void aLeafMayUseOnlyConsts() {
        rejects("input x = 1\nparam w = x * 2", "2:11", "may use only consts", "input 'x'");
    }

    @Test
    void wrongNumberOfArguments() {
        rejects("input x = 1\ny = max(x)", "2:5", "max(...): takes 2 arguments; got 1");
        rejects("input x = 1\ny = exp(x, x)", "2:5", "takes 1 argument; got 2");
        rejects("input x = [1, 2]\ny = sum(x, 0, 1)", "2:5", "takes 1 or 2 arguments; got 3");
        rejects("input x = 1\ny = sigmoid()", "2:5", "got 0");
    }

    @Test
    void raggedAndMixedLists() {
        rejects("input m = [[1, 2], [3]]", "1:20", "ragged matrix", "element 2 has shape [1]", "length 2");
        rejects("input m = [1, [2, 3]]", "1:15", "mixed list");
        rejects("input m = [[[1]]]", "1:12", "scalars or vectors");
    }

    @Test
    void shapeMismatchesNameTheOperationBothShapesAndWhere() {
        rejects("input u = [1, 2, 3], v = [1, 2]\ny = sum(u + v)", "2:11", "'+'", "[3] and [2]");
        rejects("input A = [[1, 2], [3, 4]], v = [1, 2, 3]\ny = sum(A @ v)", "2:11", "'@'", "[2, 2] @ [3]");
        rejects("input a = 2, v = [1, 2]\ny = sum(a @ v)", "2:11", "'@'", "[] @ [2]");
        rejects("input u = [1, 2, 3], v = [1, 2]\ny = dot(u, v)", "2:5", "dot(...)", "[3] and [2]");
        rejects("input u = [1, 2, 3], v = [1, 2]\ny = mse(u, v)", "2:5", "mse(...)", "[3] and [2]");
        rejects("input a = 2\ny = sum(softmax(a))", "2:9", "softmax(...)", "[]");
        rejects("input z = [1, 2]\nconst t = [[1, 0], [0, 1]]\ny = cross_entropy(z, t)", "3:5", "cross_entropy(...)", "[2, 2]");
    }

    @Test
    void sumAxesAreWrittenZeroOneOrMinusOne() {
        assertThat(run("input v = [1, 2]\ny = sum(v, 0)").values().get("y").item()).isEqualTo(3);
        assertThat(run("input v = [1, 2]\ny = sum(v, -1)").values().get("y").item()).isEqualTo(3);
        assertThat(run("input m = [[1, 2], [3, 4]]\nr = mean(m, 1)\ny = sum(r)").values().get("r").toDoubleArray())
                .containsExactly(1.5, 3.5);
        rejects("input v = [1, 2]\ny = sum(v, 1)", "2:12", "axis 1 does not exist for shape [2]");
        rejects("input m = [[1, 2], [3, 4]]\ny = sum(sum(m, 2))", "2:16", "axis must be written 0, 1 or -1", "got '2'");
        rejects("input m = [[1, 2], [3, 4]]\ny = sum(sum(m, 1.0))", "2:16", "axis must be written 0, 1 or -1", "got '1.0'");
    }

    @Test
    void theOutputMustBeAKnownScalarThatIsNotAConst() {
        rejects("input v = [1, 2]\ny = v * 2", "2:1", "must be a scalar", "[2]", "line 2", "sum(y)");
        rejects("input x = 1\nconst t = 2", "2:7", "'t' is a const");
        assertThatThrownBy(() -> run("input x = 1\nconst t = 2\ny = x", "t"))
                .hasMessageStartingWith("t.bp:2:7: --of t: 't' is a const");
        assertThatThrownBy(() -> run("input x = 1\ny = x", "nope"))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("t.bp: --of nope: no such name").hasMessageContaining("x, y");
    }

    @Test
    void aFileWithoutStatementsIsAnError() {
        assertThatThrownBy(() -> parse("# nothing\n\n"))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("t.bp:1:1: the file has no statement");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("no statement");
    }

    @Test
    void theCaretSitsUnderTheColumn() {
        assertThatThrownBy(() -> parse("input x = 1\ny = x +"))
                .hasMessage("t.bp:2:8: expected an expression (a number, a name, a function call, '(', '[' or '-') after '+'; got end of line"
                        + System.lineSeparator() + "    y = x +" + System.lineSeparator() + "           ^");
    }
}
