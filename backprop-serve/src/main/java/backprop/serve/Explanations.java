package backprop.serve;

import backprop.calc.Definition;
import backprop.calc.Evaluation;
import backprop.calc.Explainer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The page's one use of {@code --explain} ({@link Explainer}): the whole text as the command
 * prints it, and the part of it that concerns one node. Kept alone because the explanation is
 * being reworked (matrix-form rules); whatever its text becomes, the page needs only these two
 * things from it.
 *
 * <p>A line concerns node {@code n} when it begins with the adjoint {@code dOF/dn}, or with a
 * local derivative into or out of {@code n} ({@code dc/dn} for a consumer {@code c},
 * {@code dn/du} for a name {@code u} that {@code n} uses); a leaf also gets its own section (the
 * paragraph that starts with {@code dOF/dleaf}).
 */
final class Explanations {
    private final String text;
    private final String of;
    private final List<String> lines;

    Explanations(Evaluation ev) {
        this.text = Explainer.explain(ev);
        this.of = ev.of().name();
        this.lines = List.of(text.split("\r?\n"));
    }

    /** The explanation exactly as {@code backprop grad --explain} prints it. */
    String text() {
        return text;
    }

    /**
     * The lines about {@code node}, each once, in the order of the text.
     *
     * @param graph who uses whom, to know which local derivatives touch the node
     */
    String entry(Definition node, Graph graph) {
        String n = node.name();
        Set<String> heads = new LinkedHashSet<>();
        heads.add("d" + of + "/d" + n);
        graph.uses(n).forEach(u -> heads.add("d" + n + "/d" + u));
        graph.consumers(n).forEach(c -> heads.add("d" + c + "/d" + n));
        Set<String> picked = new LinkedHashSet<>();
        boolean inSection = false;
        for (String line : lines) {
            if (line.isBlank()) {
                inSection = false;
                continue;
            }
            boolean sectionStart = !Character.isWhitespace(line.charAt(0)) && head(line).equals("d" + of + "/d" + n);
            inSection |= sectionStart && node.kind().isVariable();
            if (inSection || heads.contains(head(line))) {
                picked.add(inSection ? line : line.strip());
            }
        }
        return String.join("\n", picked);
    }

    /** The local derivative lines {@code dc/dn = ...} for the given consumers of {@code n}, each once. */
    List<String> localDerivatives(String n, List<String> consumers) {
        List<String> out = new ArrayList<>();
        for (String c : consumers) {
            String head = "d" + c + "/d" + n;
            lines.stream().map(String::strip).filter(l -> head(l).equals(head)).findFirst().ifPresent(out::add);
        }
        return out;
    }

    /**
     * The explanation's indented line for the adjoint of a vector or matrix node {@code n}
     * ({@code dOF/dn (shape) = ...}), or null if it has none. (For a scalar node the same words
     * may be a local derivative of the output, so the caller asks only for the others.)
     */
    String adjointLine(String n) {
        String head = "d" + of + "/d" + n;
        for (String l : lines) {
            String s = l.strip();
            if (Character.isWhitespace(l.isEmpty() ? 'x' : l.charAt(0)) && head(s).equals(head)) {
                return s;
            }
        }
        return null;
    }

    /** The first word of a line: {@code ds1/dr1} of {@code ds1/dr1 = s1 * (1 - s1) ...}. */
    private static String head(String line) {
        String s = line.strip();
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }
}
