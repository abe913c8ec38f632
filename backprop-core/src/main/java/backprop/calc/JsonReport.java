package backprop.calc;

import backprop.tensor.Tensor;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code --json}: {@code {"of": NAME, "values": {...}, "gradients": {...}}}; a scalar is a
 * number, a vector an array, a matrix an array of rows. Doubles are written as Java's shortest
 * round-tripping form; no NaN or Infinity can reach here (the evaluator stops first).
 *
 * <p>Written with Jackson's streaming generator, not a tree and an {@code ObjectMapper}: building
 * a mapper costs more start-up time than the whole calculation.
 */
public final class JsonReport {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonReport() {}

    /**
     * The report as one line of JSON, without a line terminator: {@code of} the output's name,
     * {@code values} every named node's value and {@code gradients} every one's but the consts',
     * both in definition order.
     *
     * @param ev a program's evaluation, whose values and gradients are all finite (as
     *     {@link Evaluator#run} ensures); not modified
     * @return an object each of whose numbers parses back to the same double
     */
    public static String render(Evaluation ev) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("of", ev.of().name());
            g.writeFieldName("values");
            tensors(g, ev.values());
            g.writeFieldName("gradients");
            tensors(g, ev.gradients());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return out.toString();
    }

    private static void tensors(JsonGenerator g, Map<String, Tensor> byName) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Tensor> e : byName.entrySet()) {
            g.writeFieldName(e.getKey());
            value(g, e.getValue());
        }
        g.writeEndObject();
    }

    /** A tensor of rank 0, 1 or 2 as a number, an array or an array of rows. */
    private static void value(JsonGenerator g, Tensor t) throws IOException {
        double[] v = t.toDoubleArray();
        if (t.rank() == 0) {
            g.writeNumber(v[0]);
        } else if (t.rank() == 1) {
            g.writeArray(v, 0, v.length);
        } else {
            int cols = t.shape()[1];
            g.writeStartArray();
            for (int r = 0; r < t.shape()[0]; r++) {
                g.writeArray(v, r * cols, cols);
            }
            g.writeEndArray();
        }
    }
}
