package backprop.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * A graph under construction: nodes in order, float32 initializers, inputs and outputs of shape
 * {@code [batch, width]} with a symbolic batch dimension. Value names are unique: each new one is
 * the step's name, numbered when it is taken.
 */
final class GraphBuilder {
    /** The symbolic first dimension of every input and output: any number of rows. */
    static final String BATCH = "batch";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    GraphBuilder(String name, String doc) {
        graph.setName(name).setDocString(doc);
    }

    /** A fresh value name: {@code base}, or {@code base_2}, {@code base_3}... when taken. */
    String fresh(String base) {
        String name = base;
        for (int i = 2; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** Declares the graph input {@code name}, float32 rows of {@code width} values. */
    void input(String name, int width, String doc) {
        names.add(name);
        graph.addInput(rows(name, width, doc));
    }

    /** Declares {@code name} a graph output of {@code width} float32 values per row. */
    void output(String name, int width, String doc) {
        graph.addOutput(rows(name, width, doc));
    }

    /** A float32 initializer of {@code shape} holding {@code values} (row-major); returns its name. */
    String constant(String name, float[] values, int... shape) {
        if (!names.add(name)) {
            throw new AssertionError("GraphBuilder: initializer name taken twice: " + name);
        }
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(data.array()));
        for (int d : shape) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /**
     * Appends node {@code op} on {@code inputs} with the given integer or float attributes
     * ({@code name, value, name, value, ...}); the node and its one output are named {@code name},
     * numbered if it is taken.
     *
     * @return the output's name
     */
    String node(String op, String name, String[] inputs, Object... attributes) {
        String out = fresh(name);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (int i = 0; i < attributes.length; i += 2) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName((String) attributes[i]);
            if (attributes[i + 1] instanceof Integer v) {
                a.setType(AttributeProto.AttributeType.INT).setI(v);
            } else {
                a.setType(AttributeProto.AttributeType.FLOAT).setF((Float) attributes[i + 1]);
            }
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    /** Renames the output of the last node, {@code value}, to {@code name}, a graph output's name. */
    String rename(String value, String name) {
        int last = graph.getNodeCount() - 1;
        if (last < 0 || !graph.getNode(last).getOutput(0).equals(value) || !names.add(name)) {
            throw new AssertionError("GraphBuilder.rename: " + value + " is not the last node's output, or " + name + " is taken");
        }
        graph.getNodeBuilder(last).setOutput(0, name);
        return name;
    }

    GraphProto build() {
        return graph.build();
    }

    private static ValueInfoProto rows(String name, int width, String doc) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).setDocString(doc).build();
    }
}
