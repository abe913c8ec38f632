package backprop.serve;

import backprop.calc.Definition;
import backprop.calc.Exprs;
import backprop.calc.NodeKind;
import backprop.calc.Program;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named nodes' edges as the page draws them: which names a node's expression uses, and who
 * uses each name. Consts are drawn but carry no adjoint, as in the command's table.
 */
final class Graph {
    private final Map<String, List<String>> uses = new LinkedHashMap<>();
    private final Map<String, List<String>> consumers = new LinkedHashMap<>();

    Graph(Program program) {
        for (Definition d : program.definitions()) {
            uses.put(d.name(), new ArrayList<>());
            consumers.put(d.name(), new ArrayList<>());
        }
        for (Definition d : program.definitions()) {
            if (d.kind() == NodeKind.NODE) {
                for (String u : Exprs.refs(d.expr())) {
                    uses.get(d.name()).add(u);
                    consumers.get(u).add(d.name());
                }
            }
        }
    }

    /** The names {@code n}'s expression uses, in the order written (empty for a leaf). */
    List<String> uses(String n) {
        return uses.get(n);
    }

    /** The nodes whose expressions use {@code n}, in definition order. */
    List<String> consumers(String n) {
        return consumers.get(n);
    }

    /** The names {@code of} depends on, itself included: the nodes backpropagation reaches. */
    Set<String> upstream(String of) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(of));
        while (!todo.isEmpty()) {
            String n = todo.remove(todo.size() - 1);
            if (seen.add(n)) {
                todo.addAll(uses.get(n));
            }
        }
        return seen;
    }
}
