package backprop.onnx;

import backprop.InputException;
import backprop.data.Dataset;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.io.SavedModel;
import backprop.nn.Activation;
import backprop.nn.Init;
import backprop.nn.LayerSpec;
import backprop.nn.LayerSpec.ActivationSpec;
import backprop.nn.LayerSpec.DropoutSpec;
import backprop.nn.LayerSpec.LinearSpec;
import backprop.nn.LayerSpec.SequentialSpec;
import backprop.nn.Module;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import backprop.train.Objective;
import com.fasterxml.jackson.core.type.TypeReference;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * An ONNX multilayer perceptron as a {@link SavedModel}: the chain of nodes from the graph's one
 * input to its first output becomes a sequential of linear layers (Gemm, or MatMul then Add),
 * activations and dropout; a standardization in front of it (Sub then Div of constants) becomes
 * the model's standardizer. The file is untrusted: every node's op type is checked first, every
 * initializer's size against its data when the graph is read, every width against the one before.
 *
 * <p>What the outputs mean comes from the metadata {@link Exporter} writes; without it (PyTorch's
 * exports) a trailing Softmax makes a classifier of cross-entropy, a trailing Sigmoid on one
 * output a two-class classifier of BCE, one output without them a regression, and several a
 * classifier of their logits (PyTorch's CrossEntropyLoss).
 */
final class Importer {
    /** More nodes than this are refused: as many as a model file may hold layers. */
    static final int MAX_NODES = LayerSpec.MAX_LAYERS;
    /** The widest input accepted: one name per column is allocated. */
    static final int MAX_FEATURES = 1 << 20;

    private final Path file;

    private Importer(Path file) {
        this.file = file;
    }

    /** The model {@code bytes} hold, read from {@code file} (named in messages). */
    static SavedModel read(Path file, byte[] bytes) {
        return new Importer(file).read(bytes);
    }

    /** How messages name a node: {@code node 'Gemm_0' (Gemm)}, by its first output when it has no name. */
    static String where(NodeProto n) {
        String name = !n.getName().isEmpty() ? n.getName() : n.getOutputCount() > 0 ? "with output " + n.getOutput(0) : "(unnamed)";
        return "node '%s' (%s)".formatted(name, n.getOpType());
    }

    private InputException refuse(String message) {
        return InputException.inFile(file, message);
    }

    private InputException refuse(NodeProto n, String rule) {
        return InputException.inFile(file, where(n) + ": " + rule);
    }

    private SavedModel read(byte[] bytes) {
        ModelProto m;
        try {
            m = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw refuse("is not an ONNX model: its protobuf is cut short or corrupt (" + e.getMessage() + ")");
        }
        if (m.getIrVersion() < 3 || !m.hasGraph()) {
            throw refuse("is not an ONNX model: it needs an ir_version >= 3 and a graph; got ir_version %d%s"
                    .formatted(m.getIrVersion(), m.hasGraph() ? "" : " and no graph"));
        }
        long opset = -1;
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset < 1) {
            throw refuse("imports no version of the default operator set (ai.onnx); every ONNX model states one");
        }
        GraphProto graph = m.getGraph();
        if (graph.getNodeCount() > MAX_NODES) {
            throw refuse("has %d nodes; the importer reads at most %d".formatted(graph.getNodeCount(), MAX_NODES));
        }
        for (NodeProto n : graph.getNodeList()) {
            if (!(n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")) || !Ops.SUPPORTED.contains(n.getOpType())) {
                throw refuse(n, "is not supported%s; backprop import reads multilayer perceptrons of %s"
                        .formatted(n.getDomain().isEmpty() ? "" : " (domain " + n.getDomain() + ")", String.join(", ", Ops.SUPPORTED)));
            }
            if (n.getOutputCount() == 0) {
                throw refuse(n, "has no output");
            }
        }
        Initializers constants = new Initializers(file, graph);
        ValueInfoProto input = input(graph, constants);
        if (graph.getOutputCount() == 0) {
            throw refuse("has no graph output");
        }
        Shape shape = shape(input);
        List<NodeProto> chain = chain(graph, input.getName(), graph.getOutput(0).getName(), constants);
        Map<String, String> meta = metadata(m);

        Preprocessing.Read pre = Preprocessing.read(file, chain, constants, shape.flat() ? shape.width() : -1);
        Standardizer target = Preprocessing.readTarget(file, chain, constants, "true".equals(meta.get("target_standardized")));
        Network net = network(chain.subList(pre.nodes(), chain.size() - (target == null ? 0 : 2)), constants, shape,
                pre.standardizer() != null ? pre.standardizer().numFeatures() : -1, opset);
        int inputs = pre.standardizer() != null ? pre.standardizer().numFeatures() : net.inputWidth();
        if (inputs < 1) {
            throw refuse("input '%s' does not state its width, and no layer fixes it".formatted(input.getName()));
        }
        return describe(m, meta, net, pre.standardizer(), target, inputs, opset);
    }

    /** The graph's one input that is not an initializer. */
    private ValueInfoProto input(GraphProto graph, Initializers constants) {
        List<ValueInfoProto> inputs = graph.getInputList().stream().filter(v -> !constants.has(v.getName())).toList();
        if (inputs.size() != 1) {
            throw refuse("has %d graph inputs besides its initializers (%s); a multilayer perceptron reads one, the feature rows"
                    .formatted(inputs.size(), String.join(", ", inputs.stream().map(ValueInfoProto::getName).toList())));
        }
        return inputs.get(0);
    }

    /**
     * The input's rows: {@code width}, the values per row when the shape states them all (-1 when
     * not), and whether rows are flat ({@code [batch, width]}) or need a Flatten first.
     */
    private record Shape(int width, boolean flat) {}

    private Shape shape(ValueInfoProto input) {
        if (!input.getType().hasTensorType() || input.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
            throw refuse("input '%s' must be a float tensor; got %s".formatted(input.getName(), input.getType().toString().replace('\n', ' ').strip()));
        }
        if (!input.getType().getTensorType().hasShape()) {
            return new Shape(-1, true);
        }
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        if (dims.size() < 2) {
            throw refuse("input '%s' has %d dimensions; rows of features need [batch, features] or more".formatted(input.getName(), dims.size()));
        }
        long width = 1;
        for (TensorShapeProto.Dimension d : dims.subList(1, dims.size())) {
            if (!d.hasDimValue() || d.getDimValue() < 1) {
                width = -1;
                break;
            }
            width = Math.min(width * d.getDimValue(), (long) MAX_FEATURES + 1);   // both factors are at most 2^21 here: no overflow
        }
        if (width > MAX_FEATURES) {
            throw refuse("input '%s' has more than %d values per row; the importer reads at most that many features".formatted(input.getName(), MAX_FEATURES));
        }
        return new Shape((int) width, dims.size() == 2);
    }

    /** The nodes from {@code input} to {@code output}, in order: each one's data input is the output of the one before. */
    private List<NodeProto> chain(GraphProto graph, String input, String output, Initializers constants) {
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : graph.getNodeList()) {
            for (String in : new LinkedHashSet<>(n.getInputList())) {   // a node reading a value twice consumes it once
                if (!in.isEmpty() && !constants.has(in)) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        List<NodeProto> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String value = input;
        while (!value.equals(output)) {
            List<NodeProto> next = consumers.getOrDefault(value, List.of());
            if (next.isEmpty()) {
                throw refuse("value '%s' feeds no node, so the input does not lead to the first output '%s'; a multilayer perceptron is one chain of nodes from input to output"
                        .formatted(value, output));
            }
            if (next.size() > 1) {
                throw refuse("value '%s' feeds %d nodes (%s and %s); a multilayer perceptron is one chain of nodes from input to output"
                        .formatted(value, next.size(), where(next.get(0)), where(next.get(1))));
            }
            NodeProto n = next.get(0);
            if (!seen.add(n.getOutput(0))) {
                throw refuse(n, "is part of a cycle; an ONNX graph is acyclic");
            }
            chain.add(n);
            value = n.getOutput(0);
        }
        return chain;
    }

    /**
     * The layers of a chain and their weights under the sequential's state-dict names; the widths
     * of its inputs (-1 when nothing states it) and outputs; the op type of its last node.
     */
    private record Network(List<LayerSpec> layers, Map<String, Tensor> weights, int inputWidth, int outputWidth, String end) {}

    /**
     * The chain's layers. {@code width} is the rows' width after the preprocessing (-1 when not
     * known yet). A Softmax is read only as the chain's last node, and is no layer.
     */
    private Network network(List<NodeProto> chain, Initializers constants, Shape shape, int width, long opset) {
        List<LayerSpec> layers = new ArrayList<>();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        boolean flat = shape.flat();
        width = width >= 0 ? width : flat ? shape.width() : -1;
        int inputWidth = width;
        for (int i = 0; i < chain.size(); i++) {
            NodeProto n = chain.get(i);
            String value = i == 0 ? null : chain.get(i - 1).getOutput(0);
            boolean last = i == chain.size() - 1;
            String op = n.getOpType();
            if (!op.equals("Add") && value != null && !n.getInput(0).equals(value)) {
                throw refuse(n, "reads the value before it as a later input; an MLP's node reads it as input 0");
            }
            switch (op) {
                case "Identity" -> { }
                case "Flatten" -> {
                    if (attribute(n, "axis", 1) != 1) {
                        throw refuse(n, "must flatten from axis 1, keeping the batch; got axis " + attribute(n, "axis", 1));
                    }
                    if (!flat) {
                        flat = true;
                        width = shape.width();
                        inputWidth = width;
                    }
                }
                case "Gemm", "MatMul" -> {
                    if (!flat) {
                        throw refuse(n, "reads rows of features, but the input has more than two dimensions and no Flatten comes first");
                    }
                    NodeProto add = op.equals("MatMul") && !last && chain.get(i + 1).getOpType().equals("Add") ? chain.get(++i) : null;
                    LinearSpec l = linear(n, add, constants, width, layers.size(), weights);
                    if (inputWidth < 0) {
                        inputWidth = l.in();
                    }
                    width = l.out();
                    layers.add(l);
                    last = i == chain.size() - 1;
                }
                case "Add" -> throw refuse(n, "an Add is read only as the bias after a MatMul (a linear layer); none comes before it");
                case "Sub", "Div" -> throw refuse(n, "a " + op + " is read only in a standardization at the start, Sub(x, means) then Div(x, stds)");
                case "Mul" -> throw refuse(n, "a Mul is read only in the target's standardization undone at the end, Mul(z, std) then Add(z, mean), "
                        + "which metadata 'target_standardized' announces");
                case "Dropout" -> layers.add(dropout(n, constants));
                case "Softmax" -> {
                    long axis = attribute(n, "axis", opset >= 13 ? -1 : 1);
                    if (!last || !(axis == 1 || axis == -1)) {
                        throw refuse(n, "a Softmax is read only at the end, over the classes (axis 1 or -1); got axis %d%s"
                                .formatted(axis, last ? "" : " before other nodes"));
                    }
                }
                default -> {
                    Activation a = Ops.activation(op);
                    if (a == null) {
                        throw new AssertionError("Importer: op type checked as supported but not handled: " + op);
                    }
                    layers.add(new ActivationSpec(a));
                }
            }
        }
        return new Network(layers, weights, inputWidth, width, chain.isEmpty() ? "" : chain.get(chain.size() - 1).getOpType());
    }

    /**
     * The linear layer of a {@code Gemm} ({@code alpha = beta = 1}, {@code transA = 0}; B as
     * {@code [out, in]} with {@code transB = 1}, PyTorch's form, or {@code [in, out]}) or of a
     * {@code MatMul} by {@code [in, out]} and the bias {@code add} adds, if any; its weights go into
     * {@code weights} as layer {@code index}'s. {@code width} is the rows' width before it, or -1.
     */
    private LinearSpec linear(NodeProto n, NodeProto add, Initializers constants, int width, int index, Map<String, Tensor> weights) {
        boolean gemm = n.getOpType().equals("Gemm");
        if (gemm && (attribute(n, "alpha", 1f) != 1f || attribute(n, "beta", 1f) != 1f || attribute(n, "transA", 0) != 0)) {
            throw refuse(n, "a Gemm is read as x W^T + b: alpha 1, beta 1, transA 0; got alpha %s, beta %s, transA %d"
                    .formatted(attribute(n, "alpha", 1f), attribute(n, "beta", 1f), attribute(n, "transA", 0)));
        }
        Initializers.Constant b = constants.get(n, 1);
        if (b.dims().length != 2 || b.dims()[0] < 1 || b.dims()[1] < 1) {
            throw refuse(n, "the weight '%s' must be a matrix; got shape %s".formatted(n.getInput(1), java.util.Arrays.toString(b.dims())));
        }
        boolean transposed = gemm && attribute(n, "transB", 0) == 1;   // B is [out, in], as Linear keeps it
        int in = (int) b.dims()[transposed ? 1 : 0];
        int out = (int) b.dims()[transposed ? 0 : 1];
        if (width >= 0 && in != width) {
            throw refuse(n, "takes rows of width %d (weight '%s' of shape %s); the nodes before it give rows of width %d"
                    .formatted(in, n.getInput(1), java.util.Arrays.toString(b.dims()), width));
        }
        float[] w = transposed ? b.values() : transpose(b.values(), in, out);
        float[] bias = null;
        if (gemm && n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            bias = constants.vector(n, 2, out);
        } else if (add != null) {
            int constant = add.getInputCount() == 2 && add.getInput(0).equals(n.getOutput(0)) ? 1 : 0;
            if (add.getInputCount() != 2 || !add.getInput(1 - constant).equals(n.getOutput(0))) {
                throw refuse(add, "a bias Add reads the MatMul's output and one constant");
            }
            bias = constants.vector(add, constant, out);
        }
        weights.put(index + ".weight", Tensor.wrap(w, out, in));
        if (bias != null) {
            weights.put(index + ".bias", Tensor.wrap(bias, out));
        }
        return new LinearSpec(in, out, bias != null);
    }

    /** {@code [rows, cols]} row-major, transposed: {@code [cols, rows]}. */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    /** A Dropout at inference (no training_mode input), which keeps its ratio for fine-tuning. */
    private DropoutSpec dropout(NodeProto n, Initializers constants) {
        if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
            throw refuse(n, "has a training_mode input; an exported model runs in inference mode, without one");
        }
        float ratio = attribute(n, "ratio", 0.5f);   // opset < 12 keeps it as an attribute
        if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
            Initializers.Constant c = constants.get(n, 1);
            if (c.values().length != 1) {
                throw refuse(n, "the ratio must be one number; got shape " + java.util.Arrays.toString(c.dims()));
            }
            ratio = c.values()[0];
        }
        if (!(ratio >= 0 && ratio < 1)) {
            throw refuse(n, "the ratio must be in [0, 1); got " + ratio);
        }
        return new DropoutSpec(ratio);
    }

    private long attribute(NodeProto n, String name, long otherwise) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                if (a.getType() != AttributeProto.AttributeType.INT) {
                    throw refuse(n, "attribute '%s' must be an integer; got %s".formatted(name, a.getType()));
                }
                return a.getI();
            }
        }
        return otherwise;
    }

    private float attribute(NodeProto n, String name, float otherwise) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                if (a.getType() != AttributeProto.AttributeType.FLOAT) {
                    throw refuse(n, "attribute '%s' must be a float; got %s".formatted(name, a.getType()));
                }
                return a.getF();
            }
        }
        return otherwise;
    }

    /** The metadata {@link Exporter} writes, when the file says backprop4j produced it; else empty. */
    private static Map<String, String> metadata(ModelProto m) {
        Map<String, String> meta = new HashMap<>();
        if (m.getProducerName().equals(OnnxFile.PRODUCER)) {
            for (StringStringEntryProto e : m.getMetadataPropsList()) {
                meta.put(e.getKey(), e.getValue());
            }
        }
        return meta;
    }

    /** The saved model of {@code net}: what its outputs mean from the metadata, or inferred as the class comment says. */
    private SavedModel describe(ModelProto m, Map<String, String> meta, Network net, Standardizer standardizer, Standardizer target,
                                int inputs, long opset) {
        List<LayerSpec> layers = new ArrayList<>(net.layers());
        int k = net.outputWidth() >= 0 ? net.outputWidth() : inputs;
        Objective objective;
        List<String> classes;
        Task task;
        if (meta.containsKey("objective")) {
            objective = word("objective", meta.get("objective"), Objective::of);
            task = word("task", meta.getOrDefault("task", ""), Task::of);
            classes = strings(meta, "classes");
            if (net.end().equals("Softmax")) {
                throw refuse("ends in a Softmax, but its metadata says the first output holds the network's outputs under the %s loss".formatted(objective.id()));
            }
        } else if (net.end().equals("Softmax") || k > 1) {
            objective = Objective.CROSS_ENTROPY;
            task = Task.CLASSIFICATION;
            classes = IntStream.range(0, k).mapToObj(Integer::toString).toList();
        } else if (net.end().equals("Sigmoid")) {
            layers.remove(layers.size() - 1);   // BCE reads the logit
            objective = Objective.BCE;
            task = Task.CLASSIFICATION;
            classes = List.of("0", "1");
        } else {
            objective = Objective.MSE;
            task = Task.REGRESSION;
            classes = List.of();
        }
        if (objective.outputs(classes.size()) != k) {
            throw refuse("has %d outputs; %d classes under the %s loss need %d".formatted(k, classes.size(), objective.id(), objective.outputs(classes.size())));
        }
        try {
            objective.checkFits(task, classes.size());
        } catch (IllegalArgumentException e) {
            throw refuse("metadata: the objective does not fit the task and classes: " + e.getMessage());
        }
        List<String> features = meta.containsKey("features") ? strings(meta, "features") : Dataset.defaultFeatureNames(inputs);
        if (features.size() != inputs) {
            throw refuse("metadata 'features' names %d columns; the graph reads %d".formatted(features.size(), inputs));
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        if (meta.containsKey("provenance")) {
            try {
                provenance.putAll(Ops.JSON.readValue(meta.get("provenance"), new TypeReference<Map<String, Object>>() {}));
            } catch (java.io.IOException e) {
                throw refuse("metadata 'provenance' must be a JSON object; got " + abbreviate(meta.get("provenance")));
            }
        }
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("file", String.valueOf(file.getFileName()));
        source.put("producer", (m.getProducerName() + " " + m.getProducerVersion()).strip());
        source.put("ir_version", m.getIrVersion());
        source.put("opset", opset);
        provenance.put("imported_from_onnx", source);
        // The initial values are overwritten at once: any generator will do.
        Module network = new SequentialSpec(layers).build(DType.FLOAT32, Init.PYTORCH, new SplittableRandom(0), new SplittableRandom(0));
        network.loadStateDict(net.weights());
        network.eval();
        return new SavedModel(network, objective, task, features, classes, standardizer, provenance, null, target);
    }

    private <T> T word(String key, String value, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw refuse("metadata '%s': %s".formatted(key, e.getMessage()));
        }
    }

    private List<String> strings(Map<String, String> meta, String key) {
        String value = meta.getOrDefault(key, "[]");
        try {
            List<String> list = Ops.JSON.readValue(value, new TypeReference<List<String>>() {});
            if (list == null || list.contains(null)) {
                throw new IllegalArgumentException();
            }
            return list;
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw refuse("metadata '%s' must be a JSON array of strings; got %s".formatted(key, abbreviate(value)));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
