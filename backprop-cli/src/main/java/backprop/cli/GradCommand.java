package backprop.cli;

import backprop.calc.Builtin;
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
import backprop.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code backprop grad FILE}: the gradient calculator (docs/grad-language.md).
 *
 * <p>Everything is computed before anything is printed, so an error leaves standard output empty.
 * With {@code --json}, standard output holds the JSON object alone; the explanation and the check
 * then go to standard error.
 */
@Command(name = "grad", mixinStandardHelpOptions = true,
        description = {"Forward and backward propagation through a small program: every node's value and d(output)/d(node).",
            "Exit status: 0 success; 1 a failed --check or an undefined value; 2 bad input."})
public final class GradCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The program (.bp): one statement per line.")
    Path file;

    @Option(names = "--of", paramLabel = "NAME", description = "The scalar node to differentiate (default: the last name defined).")
    String of;

    @Option(names = "--json", description = "Print one JSON object {of, values, gradients} instead of the table.")
    boolean json;

    @Option(names = "--explain", description = "Show the chain rule as a worked solution: paths and closed forms for scalars, node by node in matrix form otherwise.")
    boolean explain;

    @Option(names = "--check", description = "Compare every gradient with central finite differences; exit 1 if any error > 1e-6 (a leaf at a kink of relu, abs, max or min is named, not counted).")
    boolean check;

    @Option(names = "--dot", paramLabel = "OUT.dot", description = "Write the graph, with values and gradients, as Graphviz DOT.")
    Path dot;

    @Option(names = "--svg", paramLabel = "OUT.svg", description = "Draw the graph as SVG (needs Graphviz's dot on PATH).")
    Path svg;

    /** Ends {@code grad --help} with the operators and every function of the language, one line each, from the table itself. */
    static void describeFunctions(CommandSpec spec) {
        spec.usageMessage().footerHeading("%nOperators: + - * / @ (matrix product) ^ or ** (power)"
                        + "%nIndexing: x[i], m[i, j], m[i, :], m[:, j] (0-based; -1 is the last)"
                        + "%nFunctions (docs/grad-language.md: each one's derivative):%n")
                .footer(Builtin.listing().stream().map(line -> line.replace("%", "%%")).toArray(String[]::new));
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (var output : java.util.Map.of("--dot", java.util.Optional.ofNullable(dot), "--svg", java.util.Optional.ofNullable(svg)).entrySet()) {
            backprop.app.Options.require(output.getValue().isEmpty() || !backprop.app.RunGuard.sameFile(output.getValue().get(), file),
                    output.getKey(), "must not be the program it would overwrite", output.getValue().orElse(null));
            backprop.app.Options.require(output.getValue().isEmpty() || !output.getValue().get().toString().isBlank(),
                    output.getKey(), "must be a path", "''");
        }
        if (svg != null) {
            Graphviz.requireDot();
        }
        Program program = Parser.parse(Source.read(file));
        Evaluation ev;
        try {
            ev = Evaluator.run(program, of);
        } catch (UndefinedValueException e) {
            err.println(e.getMessage());
            return Main.FAILED;
        }
        FiniteDifferenceCheck checked = check ? FiniteDifferenceCheck.run(ev) : null;
        if (dot != null) {
            AtomicFiles.write(dot, DotGraph.render(ev).getBytes(StandardCharsets.UTF_8));
        }
        if (svg != null) {
            AtomicFiles.write(svg, Graphviz.svg(DotGraph.render(ev)).getBytes(StandardCharsets.UTF_8));
        }
        PrintWriter prose = json ? err : out;
        if (json) {
            out.println(JsonReport.render(ev));
        } else {
            out.print(Table.render(ev));
        }
        if (explain) {
            prose.println();
            prose.print(Explainer.explain(ev));
        }
        if (checked != null) {
            prose.println();
            prose.print(checked.render());
        }
        out.flush();
        return checked == null || checked.passed() ? 0 : Main.FAILED;
    }
}
