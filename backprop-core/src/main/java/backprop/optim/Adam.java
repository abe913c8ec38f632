package backprop.optim;

import backprop.internal.Checks;
import backprop.tensor.Parameter;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015, Algorithm 1) with bias-corrected moment estimates, as
 * {@code torch.optim.Adam}: weight decay λ, when given, is an L2 term {@code λw} added to the
 * gradient. {@link AdamW} decouples it instead.
 */
public final class Adam extends MomentEstimates {

    /**
     * What Adam and AdamW take besides the learning rate.
     *
     * @param beta1 the decay of the first-moment estimate, in [0, 1)
     * @param beta2 the decay of the second-moment estimate, in [0, 1)
     * @param epsilon added to the denominator for stability, &gt; 0
     * @param weightDecay λ &gt;= 0
     */
    public record Options(double beta1, double beta2, double epsilon, double weightDecay) {
        /** Kingma and Ba (2015), section 2, without weight decay: PyTorch's Adam defaults. */
        public static final Options DEFAULTS = new Options(0.9, 0.999, 1e-8, 0);

        /**
         * Checks the ranges above.
         *
         * @param beta1 in [0, 1)
         * @param beta2 in [0, 1)
         * @param epsilon &gt; 0
         * @param weightDecay &gt;= 0
         * @throws IllegalArgumentException for a value out of its range
         */
        public Options {
            Checks.require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1); got %s", beta1);
            Checks.require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1); got %s", beta2);
            Checks.require(epsilon > 0, "epsilon must be > 0; got %s", epsilon);
            Checks.require(weightDecay >= 0, "weight decay must be >= 0; got %s", weightDecay);
        }

        /**
         * These options with weight decay λ.
         *
         * @param value λ &gt;= 0
         * @return new options; these are unchanged
         * @throws IllegalArgumentException for a negative value
         */
        public Options withWeightDecay(double value) {
            return new Options(beta1, beta2, epsilon, value);
        }

        /**
         * These options with the two decay rates.
         *
         * @param b1 the first-moment decay β1, in [0, 1)
         * @param b2 the second-moment decay β2, in [0, 1)
         * @return new options; these are unchanged
         * @throws IllegalArgumentException for a value out of [0, 1)
         */
        public Options withBetas(double b1, double b2) {
            return new Options(b1, b2, epsilon, weightDecay);
        }
    }

    /**
     * Adam at learning rate {@code lr} with the default options, as {@code torch.optim.Adam(params, lr)}.
     *
     * @param parameters what to train, none twice, in the order that keys the optimizer's state
     * @param lr the learning rate, finite and &gt; 0
     * @throws IllegalArgumentException for no parameters, one given twice, or a bad rate
     */
    public Adam(List<Parameter> parameters, double lr) {
        this(parameters, lr, Options.DEFAULTS);
    }

    /**
     * Adam at learning rate {@code lr}.
     *
     * @param parameters what to train, none twice, in the order that keys the optimizer's state
     * @param lr the learning rate, finite and &gt; 0
     * @param options the decays, epsilon and the L2 weight decay
     * @throws IllegalArgumentException for no parameters, one given twice, or a bad rate
     */
    public Adam(List<Parameter> parameters, double lr, Options options) {
        this(oneGroup(parameters, lr), options);
    }

    /**
     * Adam over parameter groups, each at its own learning rate.
     *
     * @param groups the parameters with their rates; no parameter in two groups
     * @param options the decays, epsilon and the L2 weight decay, shared by every group
     * @throws IllegalArgumentException for no parameters, or one given twice
     */
    public Adam(List<ParamGroup> groups, Options options) {
        super(groups, options, false);
    }
}
