package backprop.nn;

import backprop.autograd.GradMode;
import backprop.internal.Checks;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A piece of a network, as PyTorch's {@code nn.Module}: a function of one tensor that may own
 * parameters and child modules. Parameters and children are registered by name, in order; the
 * dotted names ({@code 0.weight}, {@code 2.bias}) are the keys of {@link #stateDict()} and of the
 * model file, as in PyTorch.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** For subclasses, which register their parameters and children in their constructors. */
    protected Module() {}

    /**
     * The module's output for a batch of inputs, as PyTorch's {@code forward}: recorded for
     * {@link Tensor#backward()} when gradients are recorded and a parameter or the input requires one.
     *
     * @param input a batch, usually [n, features]; not modified
     * @return the output, a new tensor (or {@code input} itself, for a module that is the identity in
     *     its mode)
     */
    public abstract Tensor forward(Tensor input);

    /**
     * Registers a parameter initialized with a copy of {@code initialValue}.
     *
     * @param name non-empty, without {@code .}, not yet used for a parameter or child of this module
     * @param initialValue a floating-point tensor of the parameter's shape; copied
     * @return the new parameter, for the subclass to keep in a field
     * @throws IllegalArgumentException for an empty, dotted or repeated name, or an INT64 value
     */
    protected final Parameter parameter(String name, Tensor initialValue) {
        checkNewName(name);
        Parameter p = Parameter.of(initialValue);
        parameters.put(name, p);
        return p;
    }

    /**
     * The parameter this module registered as {@code name}, for forward passes that look it up.
     *
     * @param name the name it was registered under, without a child's prefix
     * @return that parameter
     * @throws IllegalArgumentException naming the registered parameters, for any other name
     */
    protected final Parameter parameter(String name) {
        Parameter p = parameters.get(name);
        Checks.require(p != null, "module has no parameter '%s'; it has %s", name, parameters.keySet());
        return p;
    }

    /**
     * Registers a child module; its parameters appear under {@code name.}.
     *
     * @param <M> the child's type, returned unchanged
     * @param name non-empty, without {@code .}, not yet used for a parameter or child of this module
     * @param module not null
     * @return {@code module} itself, for the subclass to keep in a field
     * @throws IllegalArgumentException for an empty, dotted or repeated name, or a null module
     */
    protected final <M extends Module> M child(String name, M module) {
        checkNewName(name);
        Checks.require(module != null, "module member '%s' must not be null", name);
        children.put(name, module);
        return module;
    }

    private void checkNewName(String name) {
        Checks.require(!name.isEmpty() && !name.contains("."), "module member name must be non-empty without '.'; got '%s'", name);
        Checks.require(!parameters.containsKey(name) && !children.containsKey(name), "module member '%s' is registered twice", name);
    }

    /**
     * {@return every parameter of this module and its children, depth-first in registration order, by
     * dotted name, as PyTorch's {@code named_parameters()}: a new read-only map}
     */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> all = new LinkedHashMap<>(parameters);
        children.forEach((prefix, child) -> child.namedParameters().forEach((name, p) -> all.put(prefix + "." + name, p)));
        return Collections.unmodifiableMap(all);
    }

    /**
     * {@return a new list of the values of {@link #namedParameters()}, in that order: what an
     * optimizer is given}
     */
    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** {@return the number of trainable values, the parameters' sizes summed} */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) {
            n += p.size();
        }
        return n;
    }

    /** {@return the direct children by name, in registration order: a read-only view} */
    public final Map<String, Module> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /** {@return a new read-only list of the direct children, in registration order} */
    public final List<Module> children() {
        return List.copyOf(children.values());
    }

    /**
     * {@return a new list of this module and all its descendants, depth-first in registration order,
     * this one first, as PyTorch's {@code modules()}}
     */
    public final List<Module> modules() {
        List<Module> all = new ArrayList<>();
        List<Module> stack = new ArrayList<>(List.of(this));
        while (!stack.isEmpty()) {
            Module m = stack.remove(stack.size() - 1);
            all.add(m);
            List<Module> next = new ArrayList<>(m.children.values());
            Collections.reverse(next);
            stack.addAll(next);
        }
        return all;
    }

    /**
     * The modules of one type in this module's tree, as PyTorch code filters {@code modules()}
     * with {@code isinstance}: {@code model.modules(Dropout.class)}.
     *
     * @param <M> the module type looked for
     * @param type the class to keep (subclasses included)
     * @return those of {@link #modules()} that are {@code type}, in the same order; unmodifiable
     */
    public final <M extends Module> List<M> modules(Class<M> type) {
        return modules().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Forgets the gradients of every parameter, as {@code Optimizer.zeroGrad()} does for its own. */
    public final void zeroGrad() {
        parameters().forEach(Tensor::zeroGrad);
    }

    // ---- State ----------------------------------------------------------------------------

    /**
     * The parameters' current values by dotted name, in {@link #namedParameters()} order, as
     * PyTorch's {@code state_dict()}: detached tensors sharing the parameters' data, so take a
     * copy to keep a snapshot. {@code SafeTensors.write(path, model.stateDict())} saves them.
     *
     * @return a new read-only map whose tensors change as the optimizer changes the parameters
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> state.put(name, p.detach()));
        return Collections.unmodifiableMap(state);
    }

    /**
     * Copies {@code state} into the parameters, every name required: the strict form of PyTorch's
     * {@code load_state_dict}. Values are converted to each parameter's dtype.
     *
     * @param state a tensor of each parameter's shape by dotted name, in any order and dtype; not
     *     modified
     * @throws IllegalArgumentException naming, in one message, every parameter missing from
     *     {@code state}, every unexpected name and every tensor of the wrong shape; then
     *     nothing was copied
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        LoadResult result = match(state);
        Checks.require(result.isComplete(), "loadStateDict: the state does not fit this module: %s", describe(result, state));
        copy(state);
    }

    /**
     * Copies the tensors of {@code state} whose names and shapes match, and says what did not:
     * PyTorch's {@code load_state_dict(state, strict=False)}. Unlike PyTorch, a wrong shape is
     * reported too, not thrown, and that parameter keeps its value.
     *
     * @param state tensors by dotted name, in any order and dtype; not modified
     * @param strict true to behave as {@link #loadStateDict(Map)}
     * @return what was missing, unexpected or of the wrong shape; all empty when {@code strict}
     * @throws IllegalArgumentException when {@code strict}, as {@link #loadStateDict(Map)}
     */
    public final LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        if (strict) {
            loadStateDict(state);
            return new LoadResult(List.of(), List.of(), List.of());
        }
        LoadResult result = match(state);
        Map<String, Tensor> fitting = new LinkedHashMap<>(state);
        fitting.keySet().removeAll(result.unexpected());
        fitting.keySet().removeAll(result.wrongShape());
        copy(fitting);
        return result;
    }

    /**
     * What a state dict did not supply or did not fit.
     *
     * @param missing parameters of the module that the state lacks
     * @param unexpected names in the state that the module has no parameter for
     * @param wrongShape names whose tensor's shape differs from the parameter's
     */
    public record LoadResult(List<String> missing, List<String> unexpected, List<String> wrongShape) {
        /**
         * Copies the lists.
         *
         * @param missing copied; not null, nor any element
         * @param unexpected copied; not null, nor any element
         * @param wrongShape copied; not null, nor any element
         * @throws NullPointerException for a null list or element
         */
        public LoadResult {
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
            wrongShape = List.copyOf(wrongShape);
        }

        /** {@return true when every parameter was loaded and nothing was left over} */
        public boolean isComplete() {
            return missing.isEmpty() && unexpected.isEmpty() && wrongShape.isEmpty();
        }

        /** {@code missing [..]; unexpected [..]; wrong shape [..]}, the non-empty parts. */
        @Override
        public String toString() {
            return describe(missing, unexpected, wrongShape);
        }
    }

    private static String describe(List<String> missing, List<String> unexpected, List<String> wrongShape) {
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing " + missing);
        }
        if (!unexpected.isEmpty()) {
            parts.add("unexpected " + unexpected);
        }
        if (!wrongShape.isEmpty()) {
            parts.add("wrong shape " + wrongShape);
        }
        return parts.isEmpty() ? "complete" : String.join("; ", parts);
    }

    private LoadResult match(Map<String, Tensor> state) {
        Map<String, Parameter> own = namedParameters();
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        own.forEach((name, p) -> {
            Tensor t = state.get(name);
            if (t == null) {
                missing.add(name);
            } else if (!Arrays.equals(t.shape(), p.shape())) {
                wrongShape.add(name);
            }
        });
        List<String> unexpected = new ArrayList<>(new TreeSet<>(state.keySet()));
        unexpected.removeAll(own.keySet());
        return new LoadResult(missing, unexpected, wrongShape);
    }

    /** The strict load's message: each wrong shape beside the expected one. */
    private String describe(LoadResult result, Map<String, Tensor> state) {
        List<String> shapes = new ArrayList<>();
        for (String name : result.wrongShape()) {
            shapes.add(name + " (got " + Arrays.toString(state.get(name).shape()) + ", expected "
                    + Arrays.toString(namedParameters().get(name).shape()) + ")");
        }
        return describe(result.missing(), result.unexpected(), shapes);
    }

    private void copy(Map<String, Tensor> state) {
        Map<String, Parameter> own = namedParameters();
        try (var noGrad = GradMode.disabled()) {
            state.forEach((name, t) -> own.get(name).copyFrom(t));
        }
    }

    // ---- Modes ------------------------------------------------------------------------------

    /**
     * Training mode (dropout active), for this module and all its children, as PyTorch's
     * {@code train()}.
     *
     * @return this module
     */
    public final Module train() {
        return train(true);
    }

    /**
     * Training mode when {@code mode}, else evaluation mode, for this module and all its children.
     *
     * @param mode true for training mode, false for evaluation mode
     * @return this module
     */
    public final Module train(boolean mode) {
        modules().forEach(m -> m.training = mode);
        return this;
    }

    /**
     * Evaluation mode (dropout off), for this module and all its children, as PyTorch's
     * {@code eval()}.
     *
     * @return this module
     */
    public final Module eval() {
        return train(false);
    }

    /** {@return true in training mode, the mode a new module starts in; PyTorch's {@code training}} */
    public final boolean isTraining() {
        return training;
    }

    // ---- Printing ---------------------------------------------------------------------------

    /**
     * {@return this module's own configuration as {@link #toString()} shows it inside the
     * parentheses: {@code in_features=4, ...}; empty here, for a module without configuration}
     */
    protected String extraRepr() {
        return "";
    }

    /**
     * The module tree as PyTorch prints it: {@code Sequential(\n  (0): Linear(in_features=4,
     * out_features=16, bias=true)\n  (1): ReLU()\n)}.
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            s.append('\n');
            children.forEach((name, child) -> s.append("  (").append(name).append("): ")
                    .append(child.toString().replace("\n", "\n  ")).append('\n'));
        }
        return s.append(')').toString();
    }
}
