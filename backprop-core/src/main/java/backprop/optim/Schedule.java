package backprop.optim;

import backprop.internal.Checks;

/**
 * A learning rate as a function of the step (counted from 0): constant, step decay, cosine
 * annealing, each optionally after a linear warm-up.
 */
@FunctionalInterface
public interface Schedule {

    /** The learning rate for {@code step}, given the base rate. */
    double rate(double base, long step);

    static Schedule constant() {
        return (base, step) -> base;
    }

    /** Multiplies the rate by {@code gamma} every {@code every} steps. */
    static Schedule stepDecay(long every, double gamma) {
        Checks.require(every > 0, "step decay: the interval must be > 0 steps; got %d", every);
        Checks.require(gamma > 0 && gamma <= 1, "step decay: gamma must be in (0, 1]; got %s", gamma);
        return (base, step) -> base * Math.pow(gamma, step / every);
    }

    /** Cosine annealing from the base rate to {@code floor * base} over {@code total} steps. */
    static Schedule cosine(long total, double floor) {
        Checks.require(total > 0, "cosine: total steps must be > 0; got %d", total);
        return (base, step) -> {
            double progress = Math.min(1, (double) step / total);
            return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
        };
    }

    /** Rises linearly from base / warmup to base over the first {@code warmup} steps, then follows this schedule. */
    default Schedule withWarmup(long warmup) {
        Checks.require(warmup >= 0, "warm-up steps must be >= 0; got %d", warmup);
        Schedule after = this;
        return (base, step) -> step < warmup ? base * (step + 1) / warmup : after.rate(base, step);
    }
}
