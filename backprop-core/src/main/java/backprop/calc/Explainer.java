package backprop.calc;

import backprop.tensor.Tensor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --explain}: the chain rule the way a worked solution writes it.
 *
 * <p>Where every node the output depends on is a scalar: for each input and param, the sum over
 * paths of products of local derivatives, each local derivative in symbols, with its numbers,
 * and its value; then the products with the numbers, and the derivative in closed form
 * ({@code dy/da = r1 * s1 * (1 - s1)}). Where a vector or matrix is among them: node by node in
 * the order backpropagation visits them, each once, its adjoint as a matrix formula of its
 * consumers' adjoints ({@code delta_r = W2^T delta_z}) with the rules a course names, its shape
 * and its value.
 */
public final class Explainer {
    /** More paths than this are summed but not written out. */
    static final int MAX_PATHS = 12;

    private final Evaluation ev;
    private final String of;
    private final Map<String, Definition> defs;
    /** For each node, the non-const names its definition uses. */
    private final Map<String, List<String>> uses = new HashMap<>();

    private Explainer(Evaluation ev) {
        this.ev = ev;
        this.of = ev.of().name();
        this.defs = ev.program().byName();
        for (Definition d : ev.definitions()) {
            List<String> u = new ArrayList<>();
            if (d.kind() == NodeKind.NODE) {
                for (String name : Exprs.refs(d.expr())) {
                    if (defs.get(name).kind() != NodeKind.CONST) {
                        u.add(name);
                    }
                }
            }
            uses.put(d.name(), u);
        }
    }

    /**
     * The explanation of {@code ev}'s gradients: the scalar chain for every input and param when
     * every node the output depends on is a scalar, else the matrix form, node by node.
     *
     * @param ev a program's evaluation, as {@link Evaluator#run} gives it; not modified
     * @return lines of text, each ending with the platform's line separator; numbers as
     *     {@link Numbers#format(double)} writes them
     */
    public static String explain(Evaluation ev) {
        return new Explainer(ev).render();
    }

    private String render() {
        Set<String> upstream = upstream();
        if (upstream.stream().anyMatch(n -> ev.values().get(n).rank() > 0)) {
            return new MatrixForm(ev, uses, upstream).render();
        }
        StringBuilder sb = new StringBuilder("chain rule from " + of + " = " + describe(ev.of()) + nl());
        for (Definition leaf : ev.definitions()) {
            if (leaf.kind().isVariable()) {
                sb.append(nl()).append(leaf(leaf.name()));
            }
        }
        return sb.toString();
    }

    private String leaf(String leaf) {
        String total = "d" + of + "/d" + leaf;
        Tensor gradient = ev.gradients().get(leaf);
        if (leaf.equals(of)) {
            return total + " = 1 (the output itself)" + nl();
        }
        Set<String> onPath = between(leaf);
        if (onPath.isEmpty()) {
            return total + " = 0 (" + of + " does not depend on " + leaf + ")" + nl();
        }
        return scalarChain(leaf, onPath, gradient);
    }

    /** The output and every input, param and node it depends on. */
    private Set<String> upstream() {
        Set<String> upstream = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(of));
        while (!todo.isEmpty()) {
            String n = todo.remove(todo.size() - 1);
            if (upstream.add(n)) {
                todo.addAll(uses.get(n));
            }
        }
        return upstream;
    }

    /** The names on some path from the output down to {@code leaf}, the two ends included; empty if none. */
    private Set<String> between(String leaf) {
        Set<String> upstream = upstream();
        Set<String> on = new HashSet<>();
        for (Definition d : ev.definitions()) {      // definition order is a topological order
            String n = d.name();
            if (upstream.contains(n) && (n.equals(leaf) || uses.get(n).stream().anyMatch(on::contains))) {
                on.add(n);
            }
        }
        return on.contains(of) ? on : Set.of();
    }

    private String scalarChain(String leaf, Set<String> onPath, Tensor gradient) {
        List<List<String>> paths = new ArrayList<>();
        BigInteger count = paths(of, leaf, onPath, new ArrayList<>(List.of(of)), paths);
        Map<String, Double> local = new LinkedHashMap<>();
        StringBuilder symbols = new StringBuilder();
        StringBuilder numbers = new StringBuilder();
        Formula closedForm = Formula.ZERO;
        for (List<String> path : paths) {
            symbols.append(symbols.length() == 0 ? "" : " + ");
            numbers.append(numbers.length() == 0 ? "" : " + ");
            Formula product = Formula.ONE;
            for (int i = 0; i + 1 < path.size() && product != null; i++) {
                Formula f = localSymbols(path.get(i), path.get(i + 1));
                product = f == null ? null : Formula.mul(product, f);
            }
            closedForm = closedForm == null || product == null ? null : Formula.add(closedForm, product);
            for (int i = 0; i + 1 < path.size(); i++) {
                String from = path.get(i);
                String to = path.get(i + 1);
                // the output's own local derivative with respect to the leaf would read like the total
                String edge = "d" + from + "/d" + to + (path.size() == 2 && !count.equals(BigInteger.ONE) ? " (direct)" : "");
                double value = local.computeIfAbsent(edge, k -> Evaluator.localDerivative(ev.program(), ev.values(), defs.get(from), to));
                symbols.append(i == 0 ? "" : " * ").append(edge);
                numbers.append(i == 0 ? "" : " * ").append(paren(Numbers.format(value)));
            }
        }
        BigInteger shown = BigInteger.valueOf(paths.size());
        String more = count.compareTo(shown) > 0 ? " + ... (" + count.subtract(shown) + " more paths)" : "";
        String total = "d" + of + "/d" + leaf;
        StringBuilder sb = new StringBuilder(total + " = " + symbols + more + nl());
        for (Map.Entry<String, Double> e : local.entrySet()) {
            sb.append("    ").append(e.getKey()).append(" = ").append(localFormula(e.getKey(), e.getValue())).append(nl());
        }
        sb.append(" ".repeat(total.length())).append(" = ").append(numbers).append(more)
                .append(" = ").append(Numbers.format(gradient)).append(nl());
        if (closedForm != null && more.isEmpty() && paths.stream().anyMatch(p -> p.size() > 2)) {
            sb.append("  so ").append(total).append(" = ").append(closedForm.symbols()).append(" = ")
                    .append(Numbers.format(gradient)).append(nl());
        }
        return sb.toString();
    }

    /** d(from)/d(to) in symbols, or {@code null} when it has no hand-sized form. */
    private Formula localSymbols(String from, String to) {
        Definition node = defs.get(from);
        return Formula.derivative(node.expr(), to, node, n -> Numbers.format(ev.values().get(n)));
    }

    /**
     * Collects up to {@link #MAX_PATHS} paths from {@code node} down to {@code leaf}; returns how
     * many there are, counted without walking them (a ladder of diamonds has 2^n paths).
     */
    private BigInteger paths(String node, String leaf, Set<String> onPath, List<String> prefix, List<List<String>> out) {
        collect(node, leaf, onPath, prefix, out);
        Map<String, BigInteger> count = new HashMap<>();
        for (Definition d : ev.definitions()) {      // uses come earlier in definition order
            String n = d.name();
            if (onPath.contains(n)) {
                BigInteger c = n.equals(leaf) ? BigInteger.ONE : BigInteger.ZERO;
                for (String u : uses.get(n)) {
                    c = c.add(count.getOrDefault(u, BigInteger.ZERO));
                }
                count.put(n, c);
            }
        }
        return count.getOrDefault(node, BigInteger.ZERO);
    }

    /** Depth-first with a stack of its own: a chain of definitions makes paths as long as the program. */
    private void collect(String node, String leaf, Set<String> onPath, List<String> prefix, List<List<String>> out) {
        if (node.equals(leaf)) {
            out.add(List.copyOf(prefix));
            return;
        }
        int base = prefix.size();
        java.util.Deque<java.util.Iterator<String>> stack = new java.util.ArrayDeque<>();
        stack.push(uses.get(node).iterator());
        while (!stack.isEmpty() && out.size() < MAX_PATHS) {
            java.util.Iterator<String> uses = stack.peek();
            if (!uses.hasNext()) {
                stack.pop();
                if (prefix.size() > base) {
                    prefix.remove(prefix.size() - 1);
                }
                continue;
            }
            String next = uses.next();
            if (!onPath.contains(next)) {
                continue;
            }
            prefix.add(next);
            if (next.equals(leaf)) {
                out.add(List.copyOf(prefix));
                prefix.remove(prefix.size() - 1);
            } else {
                stack.push(this.uses.get(next).iterator());
            }
        }
        prefix.subList(base, prefix.size()).clear();
    }

    /** {@code r1 * s1 * (1 - s1) = 2 * 0.88 * (1 - 0.88) = 0.21   (s1 = sigmoid(a * r1))}. */
    private String localFormula(String edge, double value) {
        Definition node = defs.get(edge.substring(1, edge.indexOf('/')));
        String name = edge.substring(edge.indexOf('/') + 2).replace(" (direct)", "");
        Formula f = Formula.derivative(node.expr(), name, node, n -> Numbers.format(ev.values().get(n)));
        String where = "   (" + node.name() + " = " + Exprs.print(node.expr()) + ")";
        String number = Numbers.format(value);
        if (f == null || f.symbols().equals(number)) {
            return number + where;
        }
        if (f.numbers().equals(f.symbols()) || f.numbers().equals(number)) {
            return f.symbols() + " = " + number + where;
        }
        return f.symbols() + " = " + f.numbers() + " = " + number + where;
    }

    private static String describe(Definition d) {
        return Exprs.print(d.expr());
    }

    private static String paren(String number) {
        return number.startsWith("-") ? "(" + number + ")" : number;
    }

    private static String nl() {
        return System.lineSeparator();
    }
}
