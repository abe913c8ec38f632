package backprop.onnx;

import backprop.io.SavedModel;
import backprop.nn.LayerSpec;
import backprop.nn.LayerSpec.ActivationSpec;
import backprop.nn.LayerSpec.DropoutSpec;
import backprop.nn.LayerSpec.LinearSpec;
import backprop.nn.LayerSpec.SequentialSpec;
import backprop.tensor.Tensor;
import backprop.train.Objective;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;

/**
 * A {@link SavedModel} as one ONNX graph, float32 throughout: the raw rows in, the preprocessing,
 * the network's layers in order (nested sequentials flattened), then the outputs: {@code logits}
 * and {@code probabilities} for classification, {@code value} for regression.
 */
final class Exporter {
    private Exporter() {}

    static ModelProto export(SavedModel model) {
        Preprocessing.refuseEncodedColumns(model);
        LayerSpec spec = LayerSpec.of(model.network());
        Map<String, Tensor> weights = model.network().stateDict();
        int d = model.features().size();
        GraphBuilder g = new GraphBuilder("backprop4j", "A backprop4j model: raw feature rows (" + String.join(", ", model.features())
                + ") in; " + (model.objective().isClassification() ? "logits and class probabilities" : "the predicted value") + " out.");
        g.input(OnnxFile.INPUT, d, "raw feature values, one row per example, columns " + String.join(", ", model.features()));
        String x = Preprocessing.export(model, g, OnnxFile.INPUT);
        x = layers(spec, "", weights, g, x);
        Objective objective = model.objective();
        if (objective.isClassification()) {
            int k = objective.outputs(model.classes().size());
            x = output(g, x, OnnxFile.LOGITS);
            g.output(x, k, "the network's outputs before the " + (k == 1 ? "sigmoid" : "softmax"));
            // one logit z of the two-class losses: softmax([-z/2, z/2]) = [1 - sigmoid(z), sigmoid(z)], in ops every runtime has
            String z = k > 1 ? x : g.node("MatMul", "both_classes", new String[] {x, g.constant("two_class_halves", new float[] {-0.5f, 0.5f}, 1, 2)});
            g.node("Softmax", OnnxFile.PROBABILITIES, new String[] {z}, "axis", 1);
            g.output(OnnxFile.PROBABILITIES, model.classes().size(), "each class's probability, in the order of metadata 'classes'");
        } else {
            x = output(g, Preprocessing.exportTarget(model, g, x), OnnxFile.VALUE);
            g.output(x, 1, "the predicted value, in the target's units");
        }
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(OnnxFile.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxFile.OPSET))
                .setProducerName(OnnxFile.PRODUCER)
                .setProducerVersion(version())
                .setDocString("Exported by backprop4j; metadata holds the task, objective, features, classes and provenance from model.json.")
                .setGraph(g.build());
        metadata(m, "task", model.task().id());
        metadata(m, "objective", model.objective().id());
        metadata(m, "features", Ops.json(model.features()));
        metadata(m, "classes", Ops.json(model.classes()));
        metadata(m, "provenance", Ops.json(model.provenance()));
        if (model.targetStandardizer() != null) {
            metadata(m, "target_standardized", "true");   // the graph ends in Mul(z, std), Add(z, mean)
        }
        return m.build();
    }

    /** Appends the nodes of {@code spec}, whose parameters are {@code prefix + name} in {@code weights}, on {@code x}; returns their output. */
    private static String layers(LayerSpec spec, String prefix, Map<String, Tensor> weights, GraphBuilder g, String x) {
        String name = prefix.isEmpty() ? "" : "_" + prefix.substring(0, prefix.length() - 1);
        if (spec instanceof SequentialSpec s) {
            for (int i = 0; i < s.layers().size(); i++) {
                x = layers(s.layers().get(i), prefix + i + ".", weights, g, x);   // nesting is at most LayerSpec.MAX_DEPTH deep
            }
            return x;
        } else if (spec instanceof LinearSpec l) {
            String w = g.constant(prefix + "weight", weights.get(prefix + "weight").toFloatArray(), l.out(), l.in());
            String[] inputs = l.bias() ? new String[] {x, w, g.constant(prefix + "bias", weights.get(prefix + "bias").toFloatArray(), l.out())}
                    : new String[] {x, w};
            return g.node("Gemm", "linear" + name, inputs, "transB", 1);   // x W^T + b, W as Linear and PyTorch store it: [out, in]
        } else if (spec instanceof ActivationSpec a) {
            return g.node(Ops.of(a.activation()), a.type() + name, new String[] {x});
        } else if (spec instanceof DropoutSpec p) {
            // at inference (no training_mode input) Dropout is the identity; the ratio is kept for fine-tuning after import
            return g.node("Dropout", "dropout" + name, new String[] {x, g.constant(prefix + "ratio", new float[] {(float) p.p()})});
        }
        throw new AssertionError("Exporter: a layer type without an ONNX form: " + spec.type());
    }

    /** {@code x} under the graph output's name {@code name}: the last node's output renamed, or an Identity when there is no node yet. */
    private static String output(GraphBuilder g, String x, String name) {
        return x.equals(OnnxFile.INPUT) ? g.node("Identity", name, new String[] {x}) : g.rename(x, name);
    }

    private static void metadata(ModelProto.Builder m, String key, String value) {
        m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private static String version() {
        String v = Exporter.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
