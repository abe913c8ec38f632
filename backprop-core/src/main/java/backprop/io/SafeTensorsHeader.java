package backprop.io;

import backprop.internal.Checks;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a safetensors file: for each tensor its dtype, shape and the bytes
 * {@code [begin, end)} it occupies in the data section, in header order, and the free-form
 * string metadata. An instance made by {@link HeaderParser} or {@link #layout} is consistent:
 * every entry's byte count matches its shape and the entries tile the data section.
 */
record SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata) {
    /** The reserved key under which the header keeps the metadata. */
    static final String METADATA_KEY = "__metadata__";

    /** One tensor's place in the data section; {@code count} is the number of elements. */
    record Entry(String name, DType dtype, int[] shape, int count, long begin, long end) {}

    SafeTensorsHeader {
        entries = List.copyOf(entries);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The dtype's name in the format: {@code F32}, {@code F64} or {@code I64}. */
    static String code(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
        };
    }

    static int byteSize(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> Float.BYTES;
            case FLOAT64 -> Double.BYTES;
            case INT64 -> Long.BYTES;
        };
    }

    /** The header for writing {@code tensors} one after another, in the map's iteration order. */
    static SafeTensorsHeader layout(Map<String, Tensor> tensors, Map<String, String> metadata) {
        List<Entry> entries = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Checks.require(e.getKey() != null && e.getValue() != null,
                    "SafeTensors.write: tensor names and tensors must not be null; got %s -> %s", e.getKey(), e.getValue());
            Checks.require(!e.getKey().equals(METADATA_KEY),
                    "SafeTensors.write: %s is reserved for the metadata; got it as a tensor name", METADATA_KEY);
            Tensor t = e.getValue();
            long end = offset + (long) t.size() * byteSize(t.dtype());
            entries.add(new Entry(e.getKey(), t.dtype(), t.shape(), t.size(), offset, end));
            offset = end;
        }
        metadata.forEach((k, v) -> Checks.require(k != null && v != null,
                "SafeTensors.write: metadata keys and values must not be null; got %s -> %s", k, v));
        return new SafeTensorsHeader(entries, metadata);
    }

    /** The number of bytes the tensors occupy together. */
    long dataLength() {
        return entries.isEmpty() ? 0 : entries.stream().mapToLong(Entry::end).max().getAsLong();
    }

    /**
     * The header as the reference implementation writes it: compact UTF-8 JSON, the metadata
     * first, then the tensors in order, padded with spaces to a multiple of 8 bytes so that the
     * data section starts aligned for its largest element type.
     */
    byte[] encode() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            metadata.forEach(meta::put);
        }
        for (Entry e : entries) {
            ObjectNode node = root.putObject(e.name());
            node.put("dtype", code(e.dtype()));
            ArrayNode shape = node.putArray("shape");
            Arrays.stream(e.shape()).forEach(shape::add);
            node.putArray("data_offsets").add(e.begin()).add(e.end());
        }
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new AssertionError("SafeTensorsHeader.encode: a tree of strings and numbers always serializes", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
