package backprop.calc;

import java.util.ArrayList;
import java.util.List;

/**
 * The default report: one row per named node in definition order, with its kind, shape, value
 * and d(of)/d(node) (blank for a const), in aligned columns.
 */
public final class Table {
    private Table() {}

    /**
     * {@return the table, a header row ({@code name kind shape value d<of>/d(node)}) then one row per
     * definition, columns separated by at least two spaces, every line ending in the platform's line
     * separator without trailing blanks}
     *
     * @param ev the evaluation to report; values as {@link Numbers#format(Tensor)} writes them,
     *     shapes as {@link Numbers#shape(Tensor)}
     */
    public static String render(Evaluation ev) {
        String of = ev.of().name();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"name", "kind", "shape", "value", "d" + of + "/d(node)"});
        for (Definition d : ev.definitions()) {
            var value = ev.values().get(d.name());
            var grad = ev.gradients().get(d.name());
            rows.add(new String[] {d.name(), d.kind().label(), Numbers.shape(value), Numbers.format(value),
                grad == null ? "" : Numbers.format(grad)});
        }
        int[] width = new int[5];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]).append(" ".repeat(i < r.length - 1 ? width[i] - r[i].length() + 2 : 0));
            }
            sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
