package backprop.io;

import backprop.InputException;
import backprop.internal.Checks;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one Jackson configuration of this package: strict JSON, nothing more. */
final class Json {
    /** Deepest nesting of arrays and objects in our files: 32 nested sequentials (LayerSpec.MAX_DEPTH, refused by name) take about 100. */
    static final int MAX_NESTING = 256;
    /** Longest string value (1 MB): names, provenance and arguments are short. */
    static final int MAX_STRING = 1 << 20;
    /** Longest number as written, in characters. */
    static final int MAX_NUMBER = 100;

    private Json() {}

    /**
     * A parse error as a message quotes it: Jackson's own words, at most {@link InputException#QUOTED}
     * characters of them, and the line and column when the error has them (a limit's error has none).
     */
    static String describe(com.fasterxml.jackson.core.JsonProcessingException e) {
        String what = backprop.InputException.clip(String.valueOf(e.getOriginalMessage()));
        var at = e.getLocation();
        return at == null ? what : what + " (line %d, column %d)".formatted(at.getLineNr(), at.getColumnNr());
    }

    /** A value as a message quotes it: its JSON, clipped to {@link InputException#QUOTED} characters; {@code null} when absent. */
    static String shown(JsonNode value) {
        return value == null ? "null" : InputException.clip(value.toString());
    }

    /**
     * The rule {@code object.name} breaks, as {@code field 'where.name' must be RULE; got VALUE}
     * ({@code 'name'} for the root, {@code where} ""), or null when it is absent or {@code fits}.
     */
    static String wrongType(JsonNode object, String where, String name, java.util.function.Predicate<JsonNode> fits, String rule) {
        JsonNode v = object.get(name);
        return v == null || fits.test(v) ? null
                : "field '%s%s' must be %s; got %s".formatted(where.isEmpty() ? "" : where + ".", name, rule, shown(v));
    }

    /** {@code field 'PATH' holds a NUL character ...} for the first one in {@code root}, or null when there is none. */
    static String nulMisfit(JsonNode root) {
        String at = firstNul(root, "");
        return at == null ? null : "field '%s' holds a NUL character (\\u0000); expected text without one".formatted(at);
    }

    /**
     * The path of the first key or string below {@code node} (itself at {@code where}, "" for the
     * root) that holds a NUL character, as {@code provenance.data.source} or {@code classes[2]};
     * null when none does. Nesting is bounded by {@link #MAX_NESTING}, so the recursion is too.
     */
    private static String firstNul(JsonNode node, String where) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0 ? where : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = firstNul(node.get(i), where + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        if (node.isObject()) {
            for (var e : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                String at = (where.isEmpty() ? "" : where + ".") + InputException.clip(e.getKey().replace("\0", "\\u0000"));
                String found = e.getKey().indexOf('\0') >= 0 ? at : firstNul(e.getValue(), at);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /**
     * Refuses duplicate keys (which tensor would a repeated name mean?); never closes a stream
     * it writes to, which belongs to the caller.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                    // limits the parser applies before it builds anything: what we read back may be hand-edited or hostile
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING).maxStringLength(MAX_STRING).maxNumberLength(MAX_NUMBER).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    // The two conversions below walk the tree by hand rather than call convertValue or
    // valueToTree: those run through databind's TokenBuffer, which breaks (NoSuchMethodError)
    // where an older jackson-core comes first on the class path, as hadoop-client-runtime's
    // does under Spark.

    /**
     * {@code node} as plain Java values: objects as insertion-ordered maps, arrays as lists,
     * numbers as Jackson read them ({@link Integer}, {@link Long}, {@link java.math.BigInteger},
     * {@link Double}, ...), text, booleans and null.
     */
    static Object toJava(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), toJava(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(element -> list.add(toJava(element)));
            return list;
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        return node.isBoolean() ? (Object) node.booleanValue() : null;
    }

    /**
     * The JSON of plain Java values: maps with string keys, lists, strings, numbers, booleans and null.
     *
     * @param where the value's name for messages: {@code provenance}
     * @throws IllegalArgumentException naming where it sits, for any other value
     */
    static JsonNode toJson(Object value, String where) {
        JsonNodeFactory nodes = MAPPER.getNodeFactory();
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = nodes.objectNode();
            map.forEach((key, v) -> {
                Checks.require(key instanceof String, "%s: object keys must be strings; got %s", where, key);
                object.set((String) key, toJson(v, where + "." + key));
            });
            return object;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = nodes.arrayNode();
            for (int i = 0; i < list.size(); i++) {
                array.add(toJson(list.get(i), where + "[" + i + "]"));
            }
            return array;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return nodes.numberNode(((Number) value).longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            return nodes.numberNode(((Number) value).doubleValue());
        }
        if (value instanceof BigInteger big) {
            return nodes.numberNode(big);
        }
        if (value instanceof BigDecimal big) {
            return nodes.numberNode(big);
        }
        if (value instanceof String text) {
            return nodes.textNode(text);
        }
        if (value instanceof Boolean b) {
            return nodes.booleanNode(b);
        }
        Checks.require(value == null, "%s: must hold only JSON values (maps, lists, strings, numbers, booleans, null); got a %s",
                where, value == null ? null : value.getClass().getName());
        return nodes.nullNode();
    }
}
