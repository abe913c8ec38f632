package backprop.optim;

import backprop.internal.Checks;
import backprop.tensor.Parameter;
import java.util.List;

/**
 * Parameters that share a learning rate, as an entry of PyTorch's {@code optimizer.param_groups}:
 * the one place an optimizer keeps its rate, which a {@link Scheduler} changes between steps.
 */
public final class ParamGroup {
    private final List<Parameter> parameters;
    private double lr;

    /**
     * A group of {@code parameters} starting at learning rate {@code lr}.
     *
     * @param parameters the group's parameters; copied
     * @param lr the starting learning rate
     * @throws IllegalArgumentException unless lr is finite and &gt; 0
     */
    public ParamGroup(List<Parameter> parameters, double lr) {
        Checks.require(lr > 0 && Double.isFinite(lr), "learning rate must be finite and > 0; got %s", lr);
        this.parameters = List.copyOf(parameters);
        this.lr = lr;
    }

    /** {@return the group's parameters (unmodifiable)} */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** {@return the learning rate of the next step, finite and &gt;= 0} */
    public double lr() {
        return lr;
    }

    /**
     * Sets the learning rate of the following steps.
     *
     * @param value the new rate
     * @throws IllegalArgumentException unless finite and &gt;= 0 (a schedule may reach 0)
     */
    public void setLr(double value) {
        Checks.require(value >= 0 && Double.isFinite(value), "learning rate must be finite and >= 0; got %s", value);
        lr = value;
    }
}
