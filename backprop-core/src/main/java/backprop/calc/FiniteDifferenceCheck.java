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
 * <p>A leaf whose step moves an argument of relu or abs (or the difference of max's or min's
 * arguments) across or onto its kink is reported as at a kink and does not count as a failure:
 * there the analytic gradient follows the language's convention (relu'(0) = 0) and the
 * finite difference is one-sided, so the two need not agree.
 *
 * @param leaves the inputs and params, in definition order
 * @param errors the largest error of each leaf, in the same order
 * @param kinks for each leaf, the kink its step reaches (the first one in the program), or {@code null}
 */
public record FiniteDifferenceCheck(List<String> leaves, List<Double> errors, List<String> kinks) {
    /** The tolerance above which the check fails (exit status 1). */
    public static final double TOLERANCE = GradCheck.TOLERANCE;

    /**
     * Copies the lists; {@code kinks} may hold nulls.
     *
     * @param leaves the inputs and params, in definition order; copied
     * @param errors the largest error of each leaf, in the same order; NaN allowed; copied
     * @param kinks for each leaf, the message naming the kink its step reaches, or {@code null};
     *     copied
     */
    public FiniteDifferenceCheck {
        leaves = List.copyOf(leaves);
        errors = List.copyOf(errors);
        kinks = java.util.Collections.unmodifiableList(new ArrayList<>(kinks));
    }

    /**
     * Runs the check on the program and output of {@code ev}, starting from the leaves' written
     * values: each element of each input and param is stepped both ways and the program run
     * forward again.
     *
     * @param ev a program's evaluation; not modified (the program is run on copies of its leaves)
     * @return one error per input and param; all lists empty when the program has none
     */
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
            return new FiniteDifferenceCheck(names, List.of(), List.of());
        }
        String of = ev.of().name();
        GradCheck.Result result = GradCheck.run(leaves -> Evaluator.forward(ev.program(), byName(names, leaves)).get(of), start);
        List<String> kinks = new ArrayList<>();
        List<Kink> sites = Kink.sites(ev.program());
        for (int i = 0; i < names.size(); i++) {
            kinks.add(sites.isEmpty() ? null : kink(ev.program(), sites, names, start, i));
        }
        return new FiniteDifferenceCheck(names, result.maxErrors(), kinks);
    }

    private static Map<String, Tensor> byName(List<String> names, List<Tensor> leaves) {
        Map<String, Tensor> given = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            given.put(names.get(i), leaves.get(i));
        }
        return given;
    }

    /** The first kink that leaf {@code i}'s steps (each element by the check's own h, both ways) reach, described; or {@code null}. */
    private static String kink(Program program, List<Kink> sites, List<String> names, List<Tensor> start, int leaf) {
        Map<Expr, Tensor> at = Evaluator.forwardRecorded(program, byName(names, start));
        double[] x = start.get(leaf).toDoubleArray();
        for (int k = 0; k < x.length; k++) {
            Evaluator.stopIfInterrupted();
            double h = 1e-6 * Math.max(1, Math.abs(x[k]));
            List<Map<Expr, Tensor>> moved = new ArrayList<>();
            for (double step : new double[] {h, -h}) {
                double[] y = x.clone();
                y[k] += step;
                List<Tensor> leaves = new ArrayList<>(start);
                leaves.set(leaf, Tensor.of(start.get(leaf).dtype(), y, start.get(leaf).shape()));
                moved.add(Evaluator.forwardRecorded(program, byName(names, leaves)));
            }
            for (Kink site : sites) {
                if (site.reached(at, moved.get(0), moved.get(1))) {
                    return site.describe();
                }
            }
        }
        return null;
    }

    /** A call of relu, abs, max or min: where its argument (or its arguments' difference) is 0, it has no derivative. */
    private record Kink(Definition node, Expr.Call call) {
        static List<Kink> sites(Program program) {
            List<Kink> out = new ArrayList<>();
            for (Definition d : program.definitions()) {
                if (d.kind() == NodeKind.NODE) {
                    collect(d, d.expr(), out);
                }
            }
            return out;
        }

        private static void collect(Definition d, Expr e, List<Kink> out) {
            if (e instanceof Expr.Call c) {
                if (c.function() == Builtin.RELU || c.function() == Builtin.ABS
                        || c.function() == Builtin.MAX || c.function() == Builtin.MIN) {
                    out.add(new Kink(d, c));
                }
                c.args().forEach(a -> collect(d, a, out));
            } else if (e instanceof Expr.Binary b) {
                collect(d, b.left(), out);
                collect(d, b.right(), out);
            } else if (e instanceof Expr.Neg n) {
                collect(d, n.operand(), out);
            } else if (e instanceof Expr.ListLit l) {
                l.elements().forEach(x -> collect(d, x, out));
            } else if (e instanceof Expr.Index i) {
                collect(d, i.target(), out);
            }
        }

        /** True when some element of the kink's argument is 0, or changes sign, between the three points, and the step moves it. */
        boolean reached(Map<Expr, Tensor> at, Map<Expr, Tensor> up, Map<Expr, Tensor> down) {
            double[] a = argument(at);
            double[] u = argument(up);
            double[] d = argument(down);
            if (a == null || u == null || d == null) {
                return false;      // not evaluated on the way to the output
            }
            for (int i = 0; i < a.length; i++) {
                boolean moved = u[i] != d[i];
                boolean allPositive = a[i] > 0 && u[i] > 0 && d[i] > 0;
                boolean allNegative = a[i] < 0 && u[i] < 0 && d[i] < 0;
                if (moved && !allPositive && !allNegative) {
                    return true;
                }
            }
            return false;
        }

        private double[] argument(Map<Expr, Tensor> values) {
            Tensor a = values.get(call.args().get(0));
            if (a == null) {
                return null;
            }
            if (call.args().size() == 1) {
                return a.toDoubleArray();
            }
            Tensor b = values.get(call.args().get(1));
            return b == null ? null : a.detach().sub(b.detach()).toDoubleArray();
        }

        String describe() {
            String f = call.function().spelling();
            String convention = switch (call.function()) {
                case RELU -> "relu'(0) = 0";
                case ABS -> "abs'(0) = 0";
                case MAX -> "max(a, b) sends the gradient to b where a = b";
                default -> "min(a, b) sends the gradient to b where a = b";
            };
            return "at a kink of " + f + " in " + node.name() + " (line " + node.line()
                    + "): the analytic gradient follows the convention " + convention + "; the finite difference is one-sided";
        }
    }

    /** {@return true when every leaf's error is at most {@link #TOLERANCE} (NaN fails), leaves at a kink aside} */
    public boolean passed() {
        for (int i = 0; i < leaves.size(); i++) {
            if (kinks.get(i) == null && !(errors.get(i) <= TOLERANCE)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return the report {@code --check} prints: a heading, one line per leaf with its largest
     * error ({@code %.3e}) and {@code ok}, {@code FAILED} or its kink, then {@code check passed} or
     * {@code check FAILED}; each line ending with the platform's line separator}
     */
    public String render() {
        StringBuilder sb = new StringBuilder("gradient check (central differences, h = 1e-6 max(1, |x|); tolerance 1e-6):")
                .append(System.lineSeparator());
        int width = leaves.stream().mapToInt(String::length).max().orElse(0);
        for (int i = 0; i < leaves.size(); i++) {
            double e = errors.get(i);
            String verdict = kinks.get(i) != null ? kinks.get(i) : e <= TOLERANCE ? "ok" : "FAILED";
            sb.append("  ").append(leaves.get(i)).append(" ".repeat(width - leaves.get(i).length()))
                    .append("  max error ").append(String.format(java.util.Locale.ROOT, "%.3e", e))
                    .append("  ").append(verdict).append(System.lineSeparator());
        }
        long atKinks = kinks.stream().filter(k -> k != null).count();
        sb.append(passed() ? "check passed" : "check FAILED")
                .append(atKinks == 0 ? "" : " (" + atKinks + (atKinks == 1 ? " leaf" : " leaves") + " at a kink, not counted)")
                .append(System.lineSeparator());
        return sb.toString();
    }
}
