package backprop.serve;

import backprop.InputException;
import backprop.calc.Definition;
import backprop.calc.DotGraph;
import backprop.calc.Evaluation;
import backprop.calc.Evaluator;
import backprop.calc.Expr;
import backprop.calc.Exprs;
import backprop.calc.FiniteDifferenceCheck;
import backprop.calc.JsonReport;
import backprop.calc.NodeKind;
import backprop.calc.Parser;
import backprop.calc.Pos;
import backprop.calc.Program;
import backprop.calc.Source;
import backprop.calc.Table;
import backprop.calc.UndefinedValueException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/grad}: one run of the calculator, as {@code backprop grad} makes it, with what
 * the page needs to draw and step through it.
 *
 * <p>The request: {@code {"program": TEXT, "file": NAME, "of": NAME, "values": {LEAF: VALUE},
 * "check": BOOL}}; only {@code program} is required. {@code values} replaces leaves' written
 * values (the page's fields and sliders): a number, a vector or a matrix in the JSON form of
 * {@code --json}. The answer: {@code report} (the {@code --json} object) and {@code json} (its
 * exact text), {@code table}, {@code explain} and {@code dot} (the command's outputs),
 * {@code nodes} (each definition: kind, line, expression, shape, uses, its {@code --explain}
 * entry), {@code forward} and {@code backward} (the steps, each with the rule used), and
 * {@code check} (per leaf). A program the command refuses is a 422 whose message is the
 * command's, with its line and column.
 */
final class Calculator {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAFE_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Guard guard;

    Calculator(Guard guard) {
        this.guard = guard;
    }

    /** Parses the request body and answers it within the limits. */
    ObjectNode handle(byte[] body) throws InterruptedException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("the request is not valid JSON: " + e.getOriginalMessage()
                    + "; expected {\"program\": \"...\"}");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (request == null || !request.isObject()) {
            throw HttpError.badRequest("the request must be a JSON object; expected {\"program\": \"...\"}");
        }
        String program = text(request, "program", true);
        String file = text(request, "file", false);
        String of = text(request, "of", false);
        JsonNode values = request.path("values");
        if (!values.isMissingNode() && !values.isNull() && !values.isObject()) {
            throw HttpError.badRequest("\"values\" must be an object of leaf names to numbers, vectors or matrices");
        }
        JsonNode check = request.path("check");
        if (!check.isMissingNode() && !check.isBoolean()) {
            throw HttpError.badRequest("\"check\" must be true or false");
        }
        String name = file != null && SAFE_FILE.matcher(file).matches() ? file : "program.bp";
        return guard.run(() -> run(Source.of(Path.of(name), program), of, values, check.asBoolean(true)));
    }

    /** The answer for a program; runs on the guard's thread. */
    static ObjectNode run(Source source, String of, JsonNode values, boolean check) throws JsonProcessingException {
        Evaluation ev;
        try {
            Program program = withValues(Parser.parse(source), values);
            ev = Evaluator.run(program, of);
        } catch (InputException e) {
            throw programError("input", source, e.getMessage());
        } catch (UndefinedValueException e) {
            throw programError("undefined", source, e.getMessage());
        }
        Graph graph = new Graph(ev.program());
        Explanations explanations = new Explanations(ev);
        ObjectNode out = JSON.createObjectNode();
        String json = JsonReport.render(ev);
        out.put("of", ev.of().name());
        out.set("report", JSON.readTree(json));
        out.put("json", json);
        out.put("table", Table.render(ev));
        out.put("explain", explanations.text());
        out.put("dot", DotGraph.render(ev));
        ArrayNode nodes = out.putArray("nodes");
        for (Definition d : ev.definitions()) {
            ObjectNode n = nodes.addObject();
            n.put("name", d.name());
            n.put("kind", d.kind().label());
            n.put("line", d.line());
            n.put("expr", Exprs.print(d.expr()));
            ArrayNode shape = n.putArray("shape");
            for (int s : ev.values().get(d.name()).shape()) {
                shape.add(s);
            }
            graph.uses(d.name()).forEach(n.putArray("uses")::add);
            n.put("explain", d.kind() == NodeKind.CONST ? "" : explanations.entry(d, graph));
        }
        Steps.forward(ev, out.putArray("forward"));
        Steps.backward(ev, graph, explanations, out.putArray("backward"));
        if (check) {
            out.set("check", check(FiniteDifferenceCheck.run(ev)));
        }
        return out;
    }

    private static ObjectNode check(FiniteDifferenceCheck c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("passed", c.passed());
        o.put("tolerance", FiniteDifferenceCheck.TOLERANCE);
        o.put("text", c.render());
        ArrayNode leaves = o.putArray("leaves");
        for (int i = 0; i < c.leaves().size(); i++) {
            double e = c.errors().get(i);
            ObjectNode leaf = leaves.addObject();
            leaf.put("name", c.leaves().get(i));
            if (Double.isFinite(e)) {
                leaf.put("error", e);
            } else {
                leaf.putNull("error");      // JSON has no NaN
            }
            leaf.put("ok", e <= FiniteDifferenceCheck.TOLERANCE);
        }
        return o;
    }

    /** A 422 with the command's message and, when it names one, the line and column. */
    private static HttpError programError(String kind, Source source, String message) {
        HttpError e = new HttpError(422, kind, message);
        Matcher m = Pattern.compile("^" + Pattern.quote(source.file().toString()) + ":(\\d+):(\\d+): ").matcher(message);
        if (m.find()) {
            e.line = Integer.parseInt(m.group(1));
            e.column = Integer.parseInt(m.group(2));
        }
        return e;
    }

    /** The program with the leaves named in {@code values} given those values instead of their written ones. */
    static Program withValues(Program program, JsonNode values) {
        if (values.isMissingNode() || values.isNull() || values.isEmpty()) {
            return program;
        }
        Map<String, Definition> byName = program.byName();
        List<Definition> defs = new ArrayList<>(program.definitions());
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Definition d = byName.get(e.getKey());
            if (d == null || d.kind() == NodeKind.NODE) {
                throw HttpError.badRequest("values: '" + e.getKey() + "' is not an input, param or const of the program; "
                        + "expected one of its leaves");
            }
            defs.set(defs.indexOf(d), new Definition(d.name(), d.kind(), literal(e.getValue(), d.pos(), 0), d.pos()));
        }
        return new Program(program.source(), defs);
    }

    /** A JSON number, vector or matrix as the literal a program would write for it. */
    private static Expr literal(JsonNode v, Pos pos, int depth) {
        if (v.isNumber()) {
            return new Expr.Num(v.doubleValue(), v.asText(), pos);
        }
        if (v.isArray() && !v.isEmpty() && depth < 2) {
            List<Expr> elements = new ArrayList<>();
            v.forEach(x -> elements.add(literal(x, pos, depth + 1)));
            return new Expr.ListLit(elements, pos);
        }
        throw HttpError.badRequest("values: expected a number, a non-empty vector or a matrix of numbers; got " + v);
    }

    private static String text(JsonNode request, String field, boolean required) {
        JsonNode v = request.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw HttpError.badRequest("\"" + field + "\" is missing; expected {\"program\": \"...\"}");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw HttpError.badRequest("\"" + field + "\" must be a string");
        }
        return v.asText();
    }
}
