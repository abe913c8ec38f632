package backprop.calc;

import backprop.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of running a program forward and backward.
 *
 * @param program what was run
 * @param of the definition that was differentiated
 * @param values every named node's value, by name, in definition order (graph tensors: the
 *     explanation and the drawing read their structure)
 * @param gradients d(of)/d(node) for every node except consts, by name, in definition order;
 *     zeros where {@code of} does not depend on the node
 */
public record Evaluation(Program program, Definition of, Map<String, Tensor> values, Map<String, Tensor> gradients) {
    /**
     * Copies the maps, keeping their order.
     *
     * @param program what was run
     * @param of the definition that was differentiated, a scalar
     * @param values every named node's value by name; copied into an unmodifiable map
     * @param gradients d(of)/d(node) by name; copied into an unmodifiable map
     */
    public Evaluation {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        gradients = Collections.unmodifiableMap(new LinkedHashMap<>(gradients));
    }

    /** {@return the program's definitions, in the order written: {@code program().definitions()}} */
    public List<Definition> definitions() {
        return program.definitions();
    }
}
