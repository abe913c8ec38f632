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

        /** Checks the ranges above. */
        public Options {
            Checks.require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1); got %s", beta1);
            Checks.require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1); got %s", beta2);
            Checks.require(epsilon > 0, "epsilon must be > 0; got %s", epsilon);
            Checks.require(weightDecay >= 0, "weight decay must be >= 0; got %s", weightDecay);
        }

        /** These options with weight decay λ. */
        public Options withWeightDecay(double value) {
            return new Options(beta1, beta2, epsilon, value);
        }

        /** These options with the two decay rates. */
        public Options withBetas(double b1, double b2) {
            return new Options(b1, b2, epsilon, weightDecay);
        }
    }

    /** Adam at learning rate {@code lr} with the default options, as {@code torch.optim.Adam(params, lr)}. */
    public Adam(List<Parameter> parameters, double lr) {
        this(parameters, lr, Options.DEFAULTS);
    }

    /** Adam at learning rate {@code lr}. */
    public Adam(List<Parameter> parameters, double lr, Options options) {
        this(oneGroup(parameters, lr), options);
    }

    /** Adam over parameter groups, each at its own learning rate. */
    public Adam(List<ParamGroup> groups, Options options) {
        super(groups, options, false);
    }
}
