package backprop.calc;

import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The matrix form of {@code --explain}: node by node in the order backpropagation visits them,
 * each once, its adjoint as a formula of its consumers' adjoints, the rules a course names, its
 * shape and its value. An interior node's adjoint is written {@code delta_n}; an input's or
 * param's, the answer, {@code dL/dn}.
 */
final class MatrixForm {
    private final Evaluation ev;
    private final String of;
    private final Map<String, List<String>> uses;
    private final Set<String> upstream;
    private final Map<String, Definition> defs;

    MatrixForm(Evaluation ev, Map<String, List<String>> uses, Set<String> upstream) {
        this.ev = ev;
        this.of = ev.of().name();
        this.uses = uses;
        this.upstream = upstream;
        this.defs = ev.program().byName();
    }

    String render() {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder("backpropagation from " + of + " = " + Exprs.print(ev.of().expr())
                + ", node by node in the order it visits them" + nl
                + "(delta_n = d" + of + "/dn, the adjoint of node n; vectors are columns, so h^T is a row;"
                + " (.) is the element-wise product; [a > 0] is 1 where a > 0, else 0)" + nl + nl);
        Map<String, List<Adjoints.Share>> shares = new HashMap<>();
        List<String> order = order();
        for (String n : order) {
            Definition d = defs.get(n);
            Formula adjoint;
            Set<String> rules = new LinkedHashSet<>();
            if (n.equals(of)) {
                adjoint = Formula.ONE;
            } else {
                adjoint = Formula.ZERO;
                for (Adjoints.Share s : shares.getOrDefault(n, List.of())) {
                    adjoint = Formula.add(adjoint, s.formula());
                    rules.addAll(s.rules());
                }
            }
            Tensor gradient = ev.gradients().get(n);
            String label = label(n);
            if (n.equals(of)) {
                sb.append(label).append(" = 1 (the output)").append(nl);
            } else {
                String head = label + " (" + Numbers.shape(gradient) + ") ";
                sb.append(head).append("= ").append(adjoint.symbols());
                if (!rules.isEmpty()) {
                    sb.append("   [").append(String.join("; ", rules)).append(']');
                }
                sb.append(nl).append(" ".repeat(head.length())).append("= ").append(Numbers.format(gradient)).append(nl);
            }
            if (d.kind() == NodeKind.NODE) {
                Formula symbol = n.equals(of) ? Formula.ONE : Formula.atom(label, "");
                Map<Expr, Tensor> values = Evaluator.subValues(ev.program(), ev.values(), d);
                for (Adjoints.Share s : Adjoints.of(d, symbol, values)) {
                    if (defs.get(s.name()).kind() != NodeKind.CONST) {
                        shares.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
                    }
                }
            }
        }
        List<String> independent = ev.definitions().stream()
                .filter(d -> d.kind().isVariable() && !upstream.contains(d.name())).map(Definition::name).toList();
        if (!independent.isEmpty()) {
            sb.append(nl).append("d").append(of).append("/dn = 0 for ").append(String.join(", ", independent))
                    .append(" (").append(of).append(" does not depend on ").append(independent.size() == 1 ? "it" : "them")
                    .append(')').append(nl);
        }
        return sb.toString();
    }

    /** {@code delta_z} for an interior node, {@code dL/dW} for an input or param (and for the output itself). */
    private String label(String n) {
        return defs.get(n).kind() == NodeKind.NODE && !n.equals(of) ? "delta_" + n : "d" + of + "/d" + n;
    }

    /**
     * Reverse topological order from the output: a node comes once every node using it has
     * passed its adjoint on. Among the nodes ready, an input or param first (params before
     * inputs, in the order written: dL/dW2 and dL/db2 right after delta_z), else the interior node
     * defined last.
     */
    private List<String> order() {
        Map<String, Integer> position = new HashMap<>();
        Map<String, Integer> waiting = new HashMap<>();
        for (Definition d : ev.definitions()) {
            position.put(d.name(), position.size());
            if (upstream.contains(d.name())) {
                for (String u : new LinkedHashSet<>(uses.get(d.name()))) {
                    waiting.merge(u, 1, Integer::sum);
                }
            }
        }
        Comparator<String> visit = Comparator.<String>comparingInt(n -> rank(defs.get(n).kind()))
                .thenComparingInt(n -> defs.get(n).kind() == NodeKind.NODE ? -position.get(n) : position.get(n));
        PriorityQueue<String> ready = new PriorityQueue<>(visit);
        ready.add(of);
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String n = ready.poll();
            order.add(n);
            for (String u : new LinkedHashSet<>(uses.get(n))) {
                if (waiting.merge(u, -1, Integer::sum) == 0) {
                    ready.add(u);
                }
            }
        }
        return order;
    }

    private static int rank(NodeKind kind) {
        return switch (kind) {
            case PARAM -> 0;
            case INPUT -> 1;
            default -> 2;
        };
    }
}
