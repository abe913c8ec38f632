package backprop.optim;

import backprop.internal.Checks;

/**
 * A learning rate as a function of the step (counted from 0): constant, step decay, cosine
 * annealing, each optionally after a linear warm-up.
 */
@FunctionalInterface
public interface Schedule {

    /**
     * The learning rate for {@code step}, given the base rate.
     *
     * @param base the group's rate when its {@link Scheduler} was made
     * @param step counted from 0
     * @return the rate, finite and &gt;= 0 for {@link ParamGroup#setLr} to accept it
     */
    double rate(double base, long step);

    /** {@return the base rate at every step, PyTorch's default of no scheduler} */
    static Schedule constant() {
        return (base, step) -> base;
    }

    /**
     * Multiplies the rate by {@code gamma} every {@code every} steps: {@code base gamma^floor(step / every)},
     * as {@code torch.optim.lr_scheduler.StepLR}.
     *
     * @param every the steps between decays, &gt; 0
     * @param gamma the factor, in (0, 1]
     * @return the schedule
     * @throws IllegalArgumentException for a value out of its range
     */
    static Schedule stepDecay(long every, double gamma) {
        Checks.require(every > 0, "step decay: the interval must be > 0 steps; got %d", every);
        Checks.require(gamma > 0 && gamma <= 1, "step decay: gamma must be in (0, 1]; got %s", gamma);
        return (base, step) -> base * Math.pow(gamma, step / every);
    }

    /**
     * Cosine annealing from the base rate to {@code floor * base} over {@code total} steps:
     * {@code base (floor + (1 - floor) (1 + cos(pi min(step / total, 1))) / 2)}, as
     * {@code CosineAnnealingLR} with {@code eta_min = floor * base}.
     *
     * @param total the steps to reach the floor, &gt; 0; the rate stays there after
     * @param floor the final rate as a fraction of the base rate, usually in [0, 1)
     * @return the schedule
     * @throws IllegalArgumentException for {@code total} &lt;= 0
     */
    static Schedule cosine(long total, double floor) {
        Checks.require(total > 0, "cosine: total steps must be > 0; got %d", total);
        return (base, step) -> {
            double progress = Math.min(1, (double) step / total);
            return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
        };
    }

    /**
     * Rises linearly from base / warmup to base over the first {@code warmup} steps, then follows this schedule.
     *
     * @param warmup the steps of the warm-up, &gt;= 0; 0 for none
     * @return a new schedule; this one then sees the step counted from 0 as before, not from the
     *     warm-up's end
     * @throws IllegalArgumentException for a negative count
     */
    default Schedule withWarmup(long warmup) {
        Checks.require(warmup >= 0, "warm-up steps must be >= 0; got %d", warmup);
        Schedule after = this;
        return (base, step) -> step < warmup ? base * (step + 1) / warmup : after.rate(base, step);
    }
}
