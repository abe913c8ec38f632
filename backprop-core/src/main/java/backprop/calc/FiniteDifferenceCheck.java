package backprop.calc;

import backprop.autograd.GradCheck;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --check}: every input's and param's gradient against central finite differences of the
 * whole program (the engine's {@link GradCheck}: step {@code 1e-6 max(1, |x|)}, error
 * {@code |analytic - numeric| / max(1, |analytic|, |numeric|)}).
 *
 * @param leaves the inputs and params, in definition order
 * @param errors the largest error of each leaf, in the same order
 */
public record FiniteDifferenceCheck(List<String> leaves, List<Double> errors) {
    /** The tolerance above which the check fails (exit status 1). */
    public static final double TOLERANCE = GradCheck.TOLERANCE;

    public FiniteDifferenceCheck {
        leaves = List.copyOf(leaves);
        errors = List.copyOf(errors);
    }

    /** Runs the check on the program and output of {@code ev}, starting from the leaves' written values. */
    public static FiniteDifferenceCheck run(Evaluation ev) {
        List<String> names = new ArrayList<>();
        List<Tensor> start = new ArrayList<>();
        for (Definition d : ev.definitions()) {
            if (d.kind().isVariable()) {
                names.add(d.name());
                start.add(ev.values().get(d.name()).detach());
            }
        }
        if (names.isEmpty()) {
            return new FiniteDifferenceCheck(names, List.of());
        }
        String of = ev.of().name();
        GradCheck.Result result = GradCheck.run(leaves -> {
            Map<String, Tensor> given = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                given.put(names.get(i), leaves.get(i));
            }
            return Evaluator.forward(ev.program(), given).get(of);
        }, start);
        return new FiniteDifferenceCheck(names, result.maxErrors());
    }

    /** True when every error is at most {@link #TOLERANCE} (NaN fails). */
    public boolean passed() {
        return errors.stream().allMatch(e -> e <= TOLERANCE);
    }

    /** One line per leaf: its largest error and whether it passes, then a verdict. */
    public String render() {
        StringBuilder sb = new StringBuilder("gradient check (central differences, h = 1e-6 max(1, |x|); tolerance 1e-6):")
                .append(System.lineSeparator());
        int width = leaves.stream().mapToInt(String::length).max().orElse(0);
        for (int i = 0; i < leaves.size(); i++) {
            double e = errors.get(i);
            sb.append("  ").append(leaves.get(i)).append(" ".repeat(width - leaves.get(i).length()))
                    .append("  max error ").append(String.format(java.util.Locale.ROOT, "%.3e", e))
                    .append(e <= TOLERANCE ? "  ok" : "  FAILED").append(System.lineSeparator());
        }
        sb.append(passed() ? "check passed" : "check FAILED").append(System.lineSeparator());
        return sb.toString();
    }
}
