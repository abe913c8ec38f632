package backprop.nn;

import backprop.internal.Checks;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A piece of a network: a function of one tensor that may own parameters and child modules.
 * Parameters and children are registered by name, in order; the dotted names
 * ({@code 0.weight}, {@code 2.bias}) are the keys of the model file, as in PyTorch.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The module's output for a batch of inputs. */
    public abstract Tensor forward(Tensor input);

    /** Registers a parameter initialized with a copy of {@code initialValue}. */
    protected final Parameter parameter(String name, Tensor initialValue) {
        checkNewName(name);
        Parameter p = Parameter.of(initialValue);
        parameters.put(name, p);
        return p;
    }

    /** Registers a child module; its parameters appear under {@code name.}. */
    protected final <M extends Module> M child(String name, M module) {
        checkNewName(name);
        children.put(name, module);
        return module;
    }

    private void checkNewName(String name) {
        Checks.require(!name.isEmpty() && !name.contains("."), "module member name must be non-empty without '.'; got '%s'", name);
        Checks.require(!parameters.containsKey(name) && !children.containsKey(name), "module member '%s' is registered twice", name);
    }

    /** Every parameter of this module and its children, depth-first in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> all = new LinkedHashMap<>(parameters);
        children.forEach((prefix, child) -> child.namedParameters().forEach((name, p) -> all.put(prefix + "." + name, p)));
        return Collections.unmodifiableMap(all);
    }

    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The number of trainable values. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.size();
        }
        return n;
    }

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Training mode (dropout active), for this module and all its children. */
    public final void train() {
        setTraining(true);
    }

    /** Evaluation mode (dropout off), for this module and all its children. */
    public final void eval() {
        setTraining(false);
    }

    public final boolean isTraining() {
        return training;
    }

    private void setTraining(boolean value) {
        training = value;
        children.values().forEach(c -> c.setTraining(value));
    }
}
