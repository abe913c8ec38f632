package backprop.optim;

import backprop.InputException;
import backprop.autograd.GradMode;
import backprop.internal.Checks;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntBiFunction;

/**
 * Moves parameters against their gradients, as PyTorch's {@code torch.optim.Optimizer}. The
 * learning rate lives in the {@link ParamGroup}s; all other state (momentum buffers, moment
 * estimates) is the optimizer's, kept per parameter in the order of its groups. The training
 * loop reads like the textbook: {@code zeroGrad(); loss.backward(); step();}.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final List<Parameter> parameters;

    /**
     * An optimizer of the given groups.
     *
     * @param groups the parameters with their rates, in the order that keys the state; copied
     * @throws IllegalArgumentException if there are no parameters, or one appears twice
     */
    protected Optimizer(List<ParamGroup> groups) {
        this.groups = List.copyOf(groups);
        List<Parameter> all = new ArrayList<>();
        this.groups.forEach(g -> all.addAll(g.parameters()));
        Checks.require(!all.isEmpty(), "optimizer: got an empty parameter list");
        Checks.require(all.stream().distinct().count() == all.size(), "optimizer: a parameter appears twice in its groups");
        this.parameters = List.copyOf(all);
    }

    /** Forgets the gradients of the last backward pass. */
    public final void zeroGrad() {
        parameters.forEach(Tensor::zeroGrad);
    }

    /** Moves every parameter that has a gradient one step, in place, at its group's learning rate. */
    public final void step() {
        try (var noGrad = GradMode.disabled()) {
            int index = 0;
            for (ParamGroup group : groups) {
                for (Parameter p : group.parameters()) {
                    if (p.grad() != null) {
                        update(index, p, p.grad(), group.lr());
                    }
                    index++;
                }
            }
        }
    }

    /**
     * Updates one parameter in place. {@link #step()} calls it under {@link GradMode#disabled()}, only
     * for a parameter that has a gradient.
     *
     * @param index the parameter's position in {@link #parameters()}, which keys this optimizer's state for it
     * @param p the parameter to change, through {@link Parameter#floatData()} or
     *     {@link Parameter#doubleData()}
     * @param grad its gradient, of its shape and dtype; not to be modified
     * @param lr its group's current learning rate
     */
    protected abstract void update(int index, Parameter p, Tensor grad, double lr);

    /**
     * {@return the parameter groups, in order (the list is fixed; their rates may change), as
     * PyTorch's {@code param_groups}}
     */
    public final List<ParamGroup> paramGroups() {
        return groups;
    }

    /** {@return the first group's learning rate: the rate, for the usual optimizer of one group} */
    public final double learningRate() {
        return groups.get(0).lr();
    }

    /**
     * Sets every group's learning rate.
     *
     * @param value finite and &gt;= 0
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public final void setLearningRate(double value) {
        groups.forEach(g -> g.setLr(value));
    }

    /** {@return every parameter, group after group (unmodifiable)} */
    public final List<Parameter> parameters() {
        return parameters;
    }

    /**
     * The state arrays, for checkpoints: {@code "<index>.<name>" -> values}, where index is the
     * parameter's position in {@link #parameters()}. Float32 state is widened exactly.
     *
     * @return a new map of copies; a parameter without state (no step yet, or
     *     plain SGD) has no entries
     */
    public abstract Map<String, double[]> state();

    /**
     * Restores what {@link #state()} returned for an optimizer of the same kind over the same
     * parameters; a parameter without entries starts afresh. Every entry is checked before any is
     * kept, so a refused state leaves this optimizer as it was.
     *
     * @param state as {@link #state()} returned it; copied
     * @throws IllegalArgumentException naming the entry, if a key is not this optimizer's
     *     ({@code <index>.<name>} for an index of {@link #parameters()}), an entry's length is not
     *     its parameter's size, a value is not finite, or a parameter has some of its entries but not all
     */
    public abstract void loadState(Map<String, double[]> state);

    /**
     * The checks {@link #loadState} promises, for a state whose entries per parameter are {@code names},
     * each of {@code length(parameter, name)} values.
     */
    final void checkState(Map<String, double[]> state, List<String> names, ToIntBiFunction<Parameter, String> length) {
        int[] entries = new int[parameters.size()];
        for (Map.Entry<String, double[]> e : state.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            int index = dot > 0 && dot <= 9 && key.substring(0, dot).chars().allMatch(Character::isDigit)
                    ? Integer.parseInt(key.substring(0, dot)) : -1;
            String name = key.substring(dot + 1);
            Checks.require(index >= 0 && index < parameters.size() && names.contains(name),
                    "state '%s' is not this optimizer's; expected <index>.%s for an index from 0 to %d",
                    InputException.clip(key), names.size() == 1 ? names.get(0) : "{" + String.join(",", names) + "}", parameters.size() - 1);
            int expected = length.applyAsInt(parameters.get(index), name);
            double[] values = e.getValue();
            Checks.require(values.length == expected, "state '%s' must hold %d value%s%s; got %d", key, expected, expected == 1 ? "" : "s",
                    expected == parameters.get(index).size() ? " (as many as parameter " + index + " has)" : "", values.length);
            for (int i = 0; i < values.length; i++) {
                Checks.require(Double.isFinite(values[i]), "state '%s' holds %s at [%d]; expected finite numbers", key, values[i], i);
            }
            entries[index]++;
        }
        for (int i = 0; i < entries.length; i++) {
            Checks.require(entries[i] == 0 || entries[i] == names.size(), "state of parameter %d has %d of its %d entries %s; expected all or none",
                    i, entries[i], names.size(), names);
        }
    }

    /** One group of {@code parameters} at rate {@code lr}: the constructors' common case. */
    static List<ParamGroup> oneGroup(List<Parameter> parameters, double lr) {
        return List.of(new ParamGroup(parameters, lr));
    }

    /** A float32 state array as doubles, exactly, for {@link #state()}. */
    static double[] widen(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    /** The inverse of {@link #widen}, for {@link #loadState}. */
    static float[] narrow(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }
}
