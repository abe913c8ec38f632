package backprop.io;

import backprop.InputException;
import backprop.io.SafeTensorsHeader.Entry;
import backprop.tensor.DType;
import backprop.tensor.Shapes;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks the JSON header of a safetensors file, so that nothing is allocated for
 * the tensors until every size in the header is known to agree with the file.
 *
 * <p>Checked, as the reference implementation (safetensors 0.4) checks: the header is UTF-8
 * JSON holding one object; {@code __metadata__}, if present, maps strings to strings; every
 * other key names a tensor whose entry has a {@code dtype}, a {@code shape} of non-negative
 * integers and {@code data_offsets} {@code [begin, end]} with {@code end - begin} equal to the
 * element count times the dtype's size; sorted by offset, the tensors' regions start at byte 0
 * of the data section, follow each other without holes or overlaps and end exactly where the
 * data section ends. An entry's other keys are ignored, as the reference does. Stricter than
 * the reference, which silently keeps one of two entries with the same name: keys are unique.
 * Stricter too because tensors here are Java arrays of float or double: the
 * dtype must be F32 or F64, every dimension at most {@link Integer#MAX_VALUE}, and the element
 * count at most {@link #MAX_ELEMENTS}.
 */
final class HeaderParser {
    /** The most elements a Java array can hold on common JVMs. */
    static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** The dtypes of the format that this library does not read, so that a message can tell them from typos. */
    private static final Set<String> OTHER_DTYPES = Set.of(
            "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "U64");

    private final Path file;

    private HeaderParser(Path file) {
        this.file = file;
    }

    /**
     * The checked header.
     *
     * @param file named in messages
     * @param json the header bytes, after the 8-byte length
     * @param dataLength the number of bytes after the header
     * @throws InputException naming the file, the tensor and the broken rule
     */
    static SafeTensorsHeader parse(Path file, byte[] json, long dataLength) {
        return new HeaderParser(file).parse(json, dataLength);
    }

    private SafeTensorsHeader parse(byte[] json, long dataLength) {
        JsonNode root = tree(json);
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(SafeTensorsHeader.METADATA_KEY)) {
                metadata = metadata(field.getValue());
            } else {
                entries.add(entry(field.getKey(), field.getValue(), dataLength));
            }
        }
        requireTiling(entries, dataLength);
        return new SafeTensorsHeader(entries, metadata);
    }

    private JsonNode tree(byte[] json) {
        ByteBuffer bytes = ByteBuffer.wrap(json);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw fail("the header must be UTF-8 text; got a byte that is not UTF-8 at header byte %d", bytes.position());
        }
        JsonNode root;
        try (JsonParser parser = Json.MAPPER.createParser(text)) {
            root = Json.MAPPER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw fail("the header must hold one JSON value and only white space after it; got more at header line %d, column %d",
                        at.getLineNr(), at.getColumnNr());
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at header line %d, column %d".formatted(at.getLineNr(), at.getColumnNr());
            // Jackson names the unseen source in nested locations; only line and column mean anything here
            String what = e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
            throw new InputException(file + ": the header must be JSON; got " + what + where, e);
        } catch (IOException e) {
            throw new AssertionError("HeaderParser: reading a String cannot fail", e);
        }
        if (root == null || root.isMissingNode()) {
            throw fail("the header must be a JSON object; got no JSON at all (%d bytes of white space)", json.length);
        }
        if (!root.isObject()) {
            throw fail("the header must be a JSON object; got %s", abbreviate(root));
        }
        return root;
    }

    private Map<String, String> metadata(JsonNode node) {
        if (!node.isObject()) {
            throw fail("%s must be an object of strings; got %s", SafeTensorsHeader.METADATA_KEY, abbreviate(node));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw fail("%s: the value of '%s' must be a string; got %s",
                        SafeTensorsHeader.METADATA_KEY, field.getKey(), abbreviate(field.getValue()));
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return metadata;
    }

    private Entry entry(String name, JsonNode node, long dataLength) {
        if (!node.isObject()) {
            throw fail("tensor '%s': the entry must be an object with dtype, shape and data_offsets; got %s", name, abbreviate(node));
        }
        DType dtype = dtype(name, required(name, node, "dtype"));
        int[] shape = shape(name, required(name, node, "shape"));
        long[] offsets = offsets(name, required(name, node, "data_offsets"));
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw fail("tensor '%s': data_offsets [begin, end] must have begin <= end; got [%d, %d]", name, begin, end);
        }
        if (end > dataLength) {
            throw fail("tensor '%s': data_offsets must lie within the data section (%d bytes); got [%d, %d], whose end is past it",
                    name, dataLength, begin, end);
        }
        long count = count(shape);
        int size = SafeTensorsHeader.byteSize(dtype);
        // count <= Long.MAX_VALUE / 8 keeps count * size from overflowing; a larger count cannot match anyway
        if (count > Long.MAX_VALUE / Double.BYTES || count * size != end - begin) {
            throw fail("tensor '%s': data_offsets must span %s elements of %d bytes for %s shape %s; got [%d, %d], %d bytes",
                    name, count == Long.MAX_VALUE ? "more than 2^63" : Long.toString(count), size,
                    SafeTensorsHeader.code(dtype), Shapes.format(shape), begin, end, end - begin);
        }
        if (count > MAX_ELEMENTS) {
            throw fail("tensor '%s': must have at most %d elements to fit in a Java array; got shape %s, %d elements",
                    name, MAX_ELEMENTS, Shapes.format(shape), count);
        }
        return new Entry(name, dtype, shape, (int) count, begin, end);
    }

    private JsonNode required(String name, JsonNode entry, String key) {
        JsonNode value = entry.get(key);
        if (value == null) {
            throw fail("tensor '%s': the entry must have dtype, shape and data_offsets; got no %s in %s", name, key, abbreviate(entry));
        }
        return value;
    }

    private DType dtype(String name, JsonNode node) {
        String code = node.isTextual() ? node.textValue() : null;
        if ("F32".equals(code)) {
            return DType.FLOAT32;
        }
        if ("F64".equals(code)) {
            return DType.FLOAT64;
        }
        if ("I64".equals(code)) {
            return DType.INT64;
        }
        String what = code == null ? abbreviate(node)
                : OTHER_DTYPES.contains(code) ? code + ", which backprop4j does not read (convert the tensor to float32 first)"
                : "\"" + code + "\", which is not a safetensors dtype";
        throw fail("tensor '%s': dtype must be F32, F64 or I64; got %s", name, what);
    }

    private int[] shape(String name, JsonNode node) {
        if (node.isArray()) {
            int[] shape = new int[node.size()];
            boolean valid = true;
            for (int i = 0; i < shape.length && valid; i++) {
                JsonNode dim = node.get(i);
                valid = dim.isIntegralNumber() && dim.canConvertToInt() && dim.intValue() >= 0;
                shape[i] = valid ? dim.intValue() : 0;
            }
            if (valid) {
                return shape;
            }
        }
        throw fail("tensor '%s': shape must be a list of integers from 0 to %d; got %s", name, Integer.MAX_VALUE, abbreviate(node));
    }

    private long[] offsets(String name, JsonNode node) {
        if (node.isArray() && node.size() == 2) {
            JsonNode begin = node.get(0);
            JsonNode end = node.get(1);
            if (isNonNegativeLong(begin) && isNonNegativeLong(end)) {
                return new long[] {begin.longValue(), end.longValue()};
            }
        }
        throw fail("tensor '%s': data_offsets must be two non-negative integers [begin, end]; got %s", name, abbreviate(node));
    }

    private static boolean isNonNegativeLong(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0;
    }

    /** The element count, or {@link Long#MAX_VALUE} when it would be larger. */
    private static long count(int[] shape) {
        long count = 1;
        boolean overflow = false;
        for (int dim : shape) {
            if (dim == 0) {
                return 0;
            }
            overflow |= count > Long.MAX_VALUE / dim;
            count = overflow ? Long.MAX_VALUE : count * dim;
        }
        return count;
    }

    /**
     * Requires the regions, in offset order, to cover the data section exactly: the reference
     * refuses holes too, since a file with unused bytes is not one it would have written.
     */
    private void requireTiling(List<Entry> entries, long dataLength) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry previous = null;
        long covered = 0;
        for (Entry e : byOffset) {
            if (e.begin() > covered) {
                throw previous == null
                        ? fail("tensor '%s': the first tensor's data must start at byte 0 of the data section; got data_offsets [%d, %d], leaving bytes [0, %d) unused",
                                e.name(), e.begin(), e.end(), e.begin())
                        : fail("tensor '%s': data must start where tensor '%s' ends (byte %d), leaving no hole; got data_offsets [%d, %d]",
                                e.name(), previous.name(), covered, e.begin(), e.end());
            }
            if (e.begin() < covered) {
                throw fail("tensor '%s': data must not overlap tensor '%s' (data_offsets [%d, %d]); got data_offsets [%d, %d]",
                        e.name(), previous.name(), previous.begin(), previous.end(), e.begin(), e.end());
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            throw fail("the data section must hold exactly the tensors' %d bytes; got %d bytes, %d of them after the last tensor",
                    covered, dataLength, dataLength - covered);
        }
    }

    /** The error for a broken rule; names and values are cut short so that a huge header makes a short message. */
    private InputException fail(String template, Object... args) {
        Object[] shown = args.clone();
        for (int i = 0; i < shown.length; i++) {
            if (shown[i] instanceof String text) {
                shown[i] = abbreviate(text);
            }
        }
        return InputException.inFile(file, template.formatted(shown));
    }

    private static String abbreviate(Object value) {
        String text = value.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
