package backprop.calc;

import backprop.tensor.Tensor;

/**
 * {@code --dot}: the program's graph in Graphviz DOT, one box per named node (its definition,
 * value and gradient), an arrow from each name to the nodes that use it. Leaves are coloured by
 * kind so the variables stand out from the consts.
 */
public final class DotGraph {
    private DotGraph() {}

    public static String render(Evaluation ev) {
        String of = ev.of().name();
        StringBuilder sb = new StringBuilder("digraph grad {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=11];\n");
        for (Definition d : ev.definitions()) {
            Tensor value = ev.values().get(d.name());
            Tensor grad = ev.gradients().get(d.name());
            StringBuilder label = new StringBuilder(d.name());
            if (d.kind() == NodeKind.NODE) {
                label.append(" = ").append(Exprs.print(d.expr()));
            } else {
                label.append(" (").append(d.kind().label()).append(')');
            }
            label.append("\nvalue = ").append(Numbers.format(value));
            if (grad != null) {
                label.append("\nd").append(of).append("/d").append(d.name()).append(" = ").append(Numbers.format(grad));
            }
            sb.append("  ").append(quote(d.name())).append(" [label=").append(quote(label.toString()))
                    .append(", style=filled, fillcolor=").append(quote(colour(d, of))).append("];\n");
        }
        for (Definition d : ev.definitions()) {
            if (d.kind() == NodeKind.NODE) {
                for (String used : Exprs.refs(d.expr())) {
                    sb.append("  ").append(quote(used)).append(" -> ").append(quote(d.name())).append(";\n");
                }
            }
        }
        return sb.append("}\n").toString();
    }

    private static String colour(Definition d, String of) {
        if (d.name().equals(of)) {
            return "#fde68a";
        }
        return switch (d.kind()) {
            case INPUT -> "#dbeafe";
            case PARAM -> "#dcfce7";
            case CONST -> "#e5e7eb";
            case NODE -> "#ffffff";
        };
    }

    /** A DOT string literal; newlines become DOT's centred line breaks. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
