package backprop.serve;

import backprop.calc.Definition;
import backprop.calc.Evaluation;
import backprop.calc.Evaluator;
import backprop.calc.Exprs;
import backprop.calc.NodeKind;
import backprop.calc.Numbers;
import backprop.tensor.Tensor;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The page's "step forward" and "step backward": the named nodes in the order the passes
 * compute them, each with the rule that gives its value or its adjoint.
 *
 * <p>Forward is definition order, which the language makes a topological order. Backward is its
 * reverse over the nodes the output depends on, the order in which backpropagation finishes
 * each node's adjoint (every consumer of a node is defined after it, so it is done first); the
 * nodes the output does not depend on never receive an adjoint and keep 0.
 */
final class Steps {
    private Steps() {}

    static void forward(Evaluation ev, ArrayNode out) {
        for (Definition d : ev.definitions()) {
            String value = Numbers.format(ev.values().get(d.name()));
            String rule = d.kind() == NodeKind.NODE
                    ? d.name() + " = " + Exprs.print(d.expr()) + " = " + value
                    : d.name() + " = " + value + "   (" + d.kind().label() + ")";
            out.addObject().put("name", d.name()).put("rule", rule);
        }
    }

    static void backward(Evaluation ev, Graph graph, Explanations explanations, ArrayNode out) {
        String of = ev.of().name();
        Set<String> upstream = graph.upstream(of);
        Map<String, Definition> defs = ev.program().byName();
        List<Definition> order = new ArrayList<>(ev.definitions());
        Collections.reverse(order);
        out.addObject().put("name", of).put("rule", "d" + of + "/d" + of + " = 1   (the output)");
        for (Definition d : order) {
            String n = d.name();
            if (n.equals(of) || !upstream.contains(n) || d.kind() == NodeKind.CONST) {
                continue;
            }
            List<String> consumers = graph.consumers(n).stream().filter(upstream::contains).toList();
            boolean scalar = ev.values().get(n).rank() == 0
                    && consumers.stream().allMatch(c -> ev.values().get(c).rank() == 0);
            String rule = scalar ? scalarRule(ev, defs, explanations, n, consumers) : vectorRule(ev, explanations, n, consumers);
            out.addObject().put("name", n).put("rule", rule);
        }
    }

    /**
     * {@code dy/dr1 = dy/ds1 * ds1/dr1 = 1 * 0.104993585404 = 0.104993585404}, then each local
     * derivative's formula as {@code --explain} writes it.
     */
    private static String scalarRule(Evaluation ev, Map<String, Definition> defs, Explanations explanations,
                                     String n, List<String> consumers) {
        String of = ev.of().name();
        if (consumers.equals(List.of(of))) {       // the output's own local derivative is the whole adjoint
            return explanations.localDerivatives(n, consumers).stream().findFirst()
                    .orElse("d" + of + "/d" + n + " = " + Numbers.format(ev.gradients().get(n)));
        }
        StringJoiner symbols = new StringJoiner(" + ");
        StringJoiner numbers = new StringJoiner(" + ");
        List<String> locals = new ArrayList<>();
        for (String c : consumers) {
            double local = Evaluator.localDerivative(ev.program(), ev.values(), defs.get(c), n);
            String edge = "d" + c + "/d" + n;
            String localNumber = paren(Numbers.format(local));
            if (c.equals(of)) {
                symbols.add(edge);
                numbers.add(localNumber);
            } else {
                symbols.add("d" + of + "/d" + c + " * " + edge);
                numbers.add(paren(Numbers.format(ev.gradients().get(c))) + " * " + localNumber);
            }
            locals.add(edge + " = " + Numbers.format(local) + "   (" + c + " = " + Exprs.print(defs.get(c).expr()) + ")");
        }
        List<String> formulas = explanations.localDerivatives(n, consumers);
        StringBuilder rule = new StringBuilder("d" + of + "/d" + n + " = " + symbols + " = " + numbers + " = "
                + Numbers.format(ev.gradients().get(n)));
        for (int i = 0; i < locals.size(); i++) {
            String head = "d" + consumers.get(i) + "/d" + n + " ";
            String formula = formulas.stream().filter(f -> f.startsWith(head)).findFirst().orElse(locals.get(i));
            rule.append('\n').append("    ").append(formula);
        }
        return rule.toString();
    }

    /** The explanation's matrix-form line when it has one, else the sum over consumers with the adjoint's value. */
    private static String vectorRule(Evaluation ev, Explanations explanations, String n, List<String> consumers) {
        String line = explanations.adjointLine(n);
        if (line != null) {
            return line;
        }
        String of = ev.of().name();
        StringJoiner via = new StringJoiner(" + ");
        for (String c : consumers) {
            String adjoint = c.equals(of) ? "1" : "d" + of + "/d" + c;
            via.add("(" + adjoint + " through " + c + " = " + Exprs.print(ev.program().byName().get(c).expr()) + ")");
        }
        Tensor g = ev.gradients().get(n);
        return "d" + of + "/d" + n + " (" + Numbers.shape(g) + ") = " + via + " = " + Numbers.format(g);
    }

    private static String paren(String number) {
        return number.startsWith("-") ? "(" + number + ")" : number;
    }
}
