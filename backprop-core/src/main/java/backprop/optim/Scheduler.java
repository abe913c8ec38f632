package backprop.optim;

import backprop.internal.Checks;
import java.util.List;

/**
 * Drives an optimizer's learning rates by a {@link Schedule}, as PyTorch's
 * {@code torch.optim.lr_scheduler}: it owns the base rates (each group's rate when the scheduler
 * was made) and sets {@code schedule.rate(base, step)} into every group. Call {@link #step()}
 * after each {@code optimizer.step()}.
 */
public final class Scheduler {
    private final Optimizer optimizer;
    private final Schedule schedule;
    private final List<Double> baseRates;
    private long step;

    /**
     * Takes the optimizer's current rates as the base rates and sets the rates of step 0.
     *
     * @param optimizer whose groups' rates this scheduler sets from now on
     * @param schedule the rate as a function of the base rate and the step
     * @throws IllegalArgumentException if the schedule gives a negative or non-finite rate
     */
    public Scheduler(Optimizer optimizer, Schedule schedule) {
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.baseRates = optimizer.paramGroups().stream().map(ParamGroup::lr).toList();
        apply();
    }

    /** Moves to the next step and sets its rates. */
    public void step() {
        step++;
        apply();
    }

    /**
     * Jumps to step {@code value} (counted from 0) and sets its rates: a run resumed from a
     * checkpoint continues its schedule where it stopped.
     *
     * @param value the step, &gt;= 0
     * @throws IllegalArgumentException for a negative step, or a negative or non-finite rate
     */
    public void setStep(long value) {
        Checks.require(value >= 0, "scheduler: the step must be >= 0; got %d", value);
        step = value;
        apply();
    }

    /**
     * The first group's rate at {@code step}, without setting it: what a step that takes several
     * batches at once needs to know of the batches after the first.
     *
     * @param step counted from 0, as {@link #setStep}'s
     * @return the schedule's rate for the first group's base rate at that step
     */
    public double rateAt(long step) {
        return schedule.rate(baseRates.get(0), step);
    }

    /** {@return the step whose rates are set, counted from 0} */
    public long currentStep() {
        return step;
    }

    /** {@return the base rates, one per parameter group, in the groups' order (unmodifiable)} */
    public List<Double> baseRates() {
        return baseRates;
    }

    private void apply() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).setLr(schedule.rate(baseRates.get(i), step));
        }
    }
}
