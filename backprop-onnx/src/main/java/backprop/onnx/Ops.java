package backprop.onnx;

import backprop.nn.Activation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The ONNX operators both directions share: the activations' op types, the set the importer reads, and metadata's JSON. */
final class Ops {
    private Ops() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /** Each activation's ONNX op type; every one is in the default domain since opset 1 and means what the module computes. */
    private static final Map<Activation, String> ACTIVATIONS = activations();

    /** What the importer reads, in the order its refusal lists them. */
    static final List<String> SUPPORTED = List.of("Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Tanh", "Softplus", "Softmax",
            "Flatten", "Identity", "Dropout", "Sub", "Div", "Mul");

    private static Map<Activation, String> activations() {
        Map<Activation, String> m = new EnumMap<>(Activation.class);
        m.put(Activation.RELU, "Relu");
        m.put(Activation.SIGMOID, "Sigmoid");
        m.put(Activation.TANH, "Tanh");
        m.put(Activation.SOFTPLUS, "Softplus");
        return m;
    }

    static String of(Activation a) {
        String op = ACTIVATIONS.get(a);
        if (op == null) {
            throw new AssertionError("Ops: no ONNX op type for the activation " + a);
        }
        return op;
    }

    /** The activation whose op type is {@code op}, or null. */
    static Activation activation(String op) {
        for (Map.Entry<Activation, String> e : ACTIVATIONS.entrySet()) {
            if (e.getValue().equals(op)) {
                return e.getKey();
            }
        }
        return null;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new AssertionError("Ops.json: model.json's values are JSON already", e);
        }
    }
}
