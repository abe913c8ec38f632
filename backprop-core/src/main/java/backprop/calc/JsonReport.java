package backprop.calc;

import backprop.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * {@code --json}: {@code {"of": NAME, "values": {...}, "gradients": {...}}}; a scalar is a
 * number, a vector an array, a matrix an array of rows. Doubles are written as Java's shortest
 * round-tripping form; no NaN or Infinity can reach here (the evaluator stops first).
 */
public final class JsonReport {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonReport() {}

    /** The report as one line of JSON. */
    public static String render(Evaluation ev) {
        return toJson(ev).toString();
    }

    public static ObjectNode toJson(Evaluation ev) {
        ObjectNode root = NODES.objectNode();
        root.put("of", ev.of().name());
        root.set("values", tensors(ev.values()));
        root.set("gradients", tensors(ev.gradients()));
        return root;
    }

    private static ObjectNode tensors(Map<String, Tensor> byName) {
        ObjectNode o = NODES.objectNode();
        byName.forEach((name, t) -> o.set(name, value(t)));
        return o;
    }

    /** A tensor of rank 0, 1 or 2 as a number, an array or an array of arrays. */
    public static JsonNode value(Tensor t) {
        double[] v = t.toDoubleArray();
        if (t.rank() == 0) {
            return NODES.numberNode(v[0]);
        }
        if (t.rank() == 1) {
            return row(v, 0, v.length);
        }
        int cols = t.shape()[1];
        ArrayNode rows = NODES.arrayNode();
        for (int r = 0; r < t.shape()[0]; r++) {
            rows.add(row(v, r * cols, cols));
        }
        return rows;
    }

    private static ArrayNode row(double[] v, int from, int n) {
        ArrayNode a = NODES.arrayNode();
        for (int i = from; i < from + n; i++) {
            a.add(v[i]);
        }
        return a;
    }
}
