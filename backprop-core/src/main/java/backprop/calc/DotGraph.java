package backprop.calc;

import backprop.tensor.Tensor;

/**
 * {@code --dot}: the program's graph in Graphviz DOT, one box per named node (its definition,
 * shape, value and gradient), an arrow from each name to the nodes that use it. Leaves are
 * coloured by kind so the variables stand out from the consts. Labels are Graphviz's HTML-like
 * tables: a vector or matrix reads as a small grid of cells, and one larger than
 * {@value #MAX_CELLS} by {@value #MAX_CELLS} is elided to its shape, so no box grows into one
 * line thousands of pixels wide; cells show six significant digits ({@code --json} has them all).
 */
public final class DotGraph {
    /** The most rows, and columns, a grid shows; a larger value is elided to its shape. */
    static final int MAX_CELLS = 6;

    private DotGraph() {}

    /**
     * The DOT text of {@code ev}'s graph with every node's value and d(of)/d(node) (none for a
     * const): a {@code digraph grad}, left to right, one node per definition named by its name, the
     * output filled yellow, inputs blue, params green, consts grey and interior nodes white.
     *
     * @param ev a program's evaluation; not modified
     * @return the whole file, lines ending in {@code \n}, for {@code dot -Tsvg}
     */
    public static String render(Evaluation ev) {
        String of = ev.of().name();
        StringBuilder sb = new StringBuilder("digraph grad {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=11];\n");
        for (Definition d : ev.definitions()) {
            Tensor value = ev.values().get(d.name());
            Tensor grad = ev.gradients().get(d.name());
            String head = "<B>" + html(d.name()) + "</B>" + (value.rank() == 0 ? "" : " (" + Numbers.shape(value) + ")")
                    + (d.kind() == NodeKind.NODE ? " = " + html(Exprs.print(d.expr())) : " (" + d.kind().label() + ")");
            StringBuilder label = new StringBuilder("<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\">")
                    .append("<TR><TD COLSPAN=\"2\">").append(head).append("</TD></TR>")
                    .append(row("value", value));
            if (grad != null) {
                label.append(row("d" + of + "/d" + d.name(), grad));
            }
            label.append("</TABLE>");
            sb.append("  ").append(quote(d.name())).append(" [label=<").append(label)
                    .append(">, style=filled, fillcolor=").append(quote(colour(d, of))).append("];\n");
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

    private static String row(String what, Tensor t) {
        return "<TR><TD ALIGN=\"RIGHT\">" + html(what) + "</TD><TD ALIGN=\"LEFT\">" + grid(t) + "</TD></TR>";
    }

    /** A scalar as its number; a vector as one row of cells, a matrix as a grid; too large a one as its shape. */
    private static String grid(Tensor t) {
        if (t.rank() == 0) {
            return Numbers.format(t.item());
        }
        int rows = t.rank() == 1 ? 1 : t.dim(0);
        int cols = t.dim(t.rank() - 1);
        if (rows > MAX_CELLS || cols > MAX_CELLS) {
            return "<I>" + Numbers.shape(t) + ", elided (--json has every number)</I>";
        }
        double[] v = t.toDoubleArray();
        StringBuilder sb = new StringBuilder("<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\">");
        for (int r = 0; r < rows; r++) {
            sb.append("<TR>");
            for (int c = 0; c < cols; c++) {
                sb.append("<TD ALIGN=\"RIGHT\">").append(Numbers.brief(v[r * cols + c])).append("</TD>");
            }
            sb.append("</TR>");
        }
        return sb.append("</TABLE>").toString();
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

    /** Text inside an HTML-like label. */
    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A DOT string literal. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
