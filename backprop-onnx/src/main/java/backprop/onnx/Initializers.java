package backprop.onnx;

import backprop.InputException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * A graph's initializers (its constants: weights, biases, preprocessing statistics), each checked
 * when the graph is read: float32 or float64, stored in the file, at most {@link #MAX_ELEMENTS}
 * elements, and exactly as much data as its dimensions say. Values are decoded only when a node
 * asks for them, into arrays no larger than the data the file holds.
 */
final class Initializers {
    /** The most elements one initializer may hold: 2^28, a 1 GiB float32 tensor. */
    static final long MAX_ELEMENTS = 1L << 28;

    private final Path file;
    private final Map<String, TensorProto> byName = new HashMap<>();

    /** A constant's dimensions and values, row-major, rounded to float32. */
    record Constant(long[] dims, float[] values) {}

    Initializers(Path file, GraphProto graph) {
        this.file = file;
        for (TensorProto t : graph.getInitializerList()) {
            check(t);
            if (byName.put(t.getName(), t) != null) {
                throw InputException.inFile(file, "initializer '%s' is defined twice".formatted(t.getName()));
            }
        }
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    private void check(TensorProto t) {
        String where = "initializer '" + t.getName() + "'";
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw InputException.inFile(file, where + " is stored in an external file; the importer reads models whose weights are inside the .onnx file");
        }
        int bytesPer = switch (t.getDataType()) {
            case TensorProto.DataType.FLOAT_VALUE -> 4;
            case TensorProto.DataType.DOUBLE_VALUE -> 8;
            default -> throw InputException.inFile(file, where + " has data type %d; the importer reads float (1) and double (11) weights"
                    .formatted(t.getDataType()));
        };
        BigInteger elements = BigInteger.ONE;
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw InputException.inFile(file, where + " has dims %s; each must be >= 0".formatted(t.getDimsList()));
            }
            elements = elements.multiply(BigInteger.valueOf(d));
        }
        if (elements.compareTo(BigInteger.valueOf(MAX_ELEMENTS)) > 0) {
            throw InputException.inFile(file, where + " declares %s elements (dims %s); the importer reads at most %d (2^28) per tensor"
                    .formatted(elements, t.getDimsList(), MAX_ELEMENTS));
        }
        long n = elements.longValue();
        long stored = t.hasRawData() ? t.getRawData().size() / bytesPer
                : bytesPer == 4 ? t.getFloatDataCount() : t.getDoubleDataCount();
        if (stored != n || (t.hasRawData() && t.getRawData().size() % bytesPer != 0)) {
            throw InputException.inFile(file, where + " has dims %s, %d elements, but holds %s"
                    .formatted(t.getDimsList(), n, t.hasRawData() ? t.getRawData().size() + " bytes of raw data (" + bytesPer + " per element)"
                            : stored + " values"));
        }
    }

    /**
     * Input {@code input} of {@code node}, which must be an initializer: the node's constant operand.
     *
     * @throws InputException naming the node when that input is missing or computed by the graph
     */
    Constant get(NodeProto node, int input) {
        String name = node.getInputCount() > input ? node.getInput(input) : "";
        TensorProto t = byName.get(name);
        if (t == null) {
            throw InputException.inFile(file, Importer.where(node) + ": input %d must be a constant (an initializer); got %s"
                    .formatted(input, name.isEmpty() ? "none" : "the computed value '" + name + "'"));
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int n = (int) Arrays.stream(dims).reduce(1, Math::multiplyExact);   // checked when read: at most MAX_ELEMENTS
        float[] values = new float[n];
        boolean isFloat = t.getDataType() == TensorProto.DataType.FLOAT_VALUE;
        if (t.hasRawData()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                values[i] = isFloat ? raw.getFloat() : (float) raw.getDouble();
            }
        } else {
            for (int i = 0; i < n; i++) {
                values[i] = isFloat ? t.getFloatData(i) : (float) t.getDoubleData(i);
            }
        }
        return new Constant(dims, values);
    }

    /**
     * Input {@code input} of {@code node} as a vector of {@code width} values: a constant of shape
     * {@code [width]} or {@code [1, width]}, broadcast over the rows; any width when {@code width}
     * is negative.
     */
    float[] vector(NodeProto node, int input, int width) {
        Constant c = get(node, input);
        long[] d = c.dims();
        long last = d.length == 0 ? -1 : d[d.length - 1];
        boolean fits = (d.length == 1 || (d.length == 2 && d[0] == 1)) && last >= 1 && (width < 0 || last == width);
        if (!fits) {
            throw InputException.inFile(file, Importer.where(node) + ": constant '%s' has shape %s; rows of width %d need [%s] or [1, %s]"
                    .formatted(node.getInput(input), Arrays.toString(d), width, width < 0 ? "n" : width, width < 0 ? "n" : width));
        }
        return c.values();
    }
}
