package backprop.optim;

import backprop.tensor.Parameter;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter, 2019), as {@code torch.optim.AdamW}: Adam whose weight decay is
 * decoupled from the gradient, {@code w <- (1 - lr λ) w} before Adam's step, so that it is not
 * scaled down by the second-moment estimate.
 */
public final class AdamW extends MomentEstimates {
    /** PyTorch's AdamW defaults: Adam's, with weight decay 0.01. */
    public static final Adam.Options DEFAULTS = Adam.Options.DEFAULTS.withWeightDecay(0.01);

    /**
     * AdamW at learning rate {@code lr} with {@link #DEFAULTS}, as {@code torch.optim.AdamW(params, lr)}.
     *
     * @param parameters what to train, none twice, in the order that keys the optimizer's state
     * @param lr the learning rate, finite and &gt; 0
     * @throws IllegalArgumentException for no parameters, one given twice, or a bad rate
     */
    public AdamW(List<Parameter> parameters, double lr) {
        this(parameters, lr, DEFAULTS);
    }

    /**
     * AdamW at learning rate {@code lr}.
     *
     * @param parameters what to train, none twice, in the order that keys the optimizer's state
     * @param lr the learning rate, finite and &gt; 0
     * @param options the decays, epsilon and the decoupled weight decay λ
     * @throws IllegalArgumentException for no parameters, one given twice, or a bad rate
     */
    public AdamW(List<Parameter> parameters, double lr, Adam.Options options) {
        this(oneGroup(parameters, lr), options);
    }

    /**
     * AdamW over parameter groups, each at its own learning rate.
     *
     * @param groups the parameters with their rates; no parameter in two groups
     * @param options the decays, epsilon and the decoupled weight decay λ, shared by every group
     * @throws IllegalArgumentException for no parameters, or one given twice
     */
    public AdamW(List<ParamGroup> groups, Adam.Options options) {
        super(groups, options, true);
    }
}
