package backprop.optim;

import backprop.internal.Names;
import backprop.internal.Checks;
import backprop.tensor.Parameter;
import java.util.List;
import java.util.Locale;

/**
 * An optimizer as plain values, the recipe the command line, checkpoints and distributed
 * training share: which kind, and its learning rate, momentum and weight decay. Every other
 * option keeps its default. {@link #create} makes the optimizer.
 *
 * @param kind which optimizer
 * @param learningRate the starting learning rate, &gt; 0
 * @param momentum μ in [0, 1) for {@link Kind#MOMENTUM} and {@link Kind#NESTEROV} (which needs μ &gt; 0); ignored by the others
 * @param weightDecay λ &gt;= 0: L2 for SGD and Adam, decoupled for AdamW
 */
public record OptimizerSpec(Kind kind, double learningRate, double momentum, double weightDecay) {

    /** The optimizers a recipe names. */
    public enum Kind {
        /** Plain SGD. */
        SGD,
        /** SGD with momentum. */
        MOMENTUM,
        /** SGD with Nesterov momentum. */
        NESTEROV,
        /** Adam. */
        ADAM,
        /** AdamW. */
        ADAMW;

        /** {@return the lower-case name the command line and files use} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The kind named {@code id}.
         *
         * @param id a name as {@link #id()} gives it, in lower case
         * @return the kind of that name
         * @throws IllegalArgumentException naming the choices, for any other name
         */
        public static Kind of(String id) {
            return Names.lookup(values(), Kind::id, id, "optimizer");
        }
    }

    /**
     * Checks the ranges above.
     *
     * @param kind not null
     * @param learningRate finite and &gt; 0
     * @param momentum in [0, 1); &gt; 0 for {@link Kind#NESTEROV}
     * @param weightDecay finite and &gt;= 0
     * @throws IllegalArgumentException for a value out of its range or a null kind
     */
    public OptimizerSpec {
        Checks.require(kind != null, "optimizer: the kind must be given");
        Checks.require(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be finite and > 0; got %s", learningRate);
        Checks.require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be finite and >= 0; got %s", weightDecay);
        Checks.require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1); got %s", momentum);
        Checks.require(kind != Kind.NESTEROV || momentum > 0, "Nesterov momentum needs momentum > 0; got %s", momentum);
    }

    /**
     * A new optimizer of this recipe over {@code parameters}.
     *
     * @param parameters what to train, none twice, in the order that keys the optimizer's state
     * @return a new {@link Sgd}, {@link Adam} or {@link AdamW} in one group at {@link #learningRate()}
     * @throws IllegalArgumentException for no parameters, or one given twice
     */
    public Optimizer create(List<Parameter> parameters) {
        return switch (kind) {
            case SGD -> new Sgd(parameters, learningRate, Sgd.Options.DEFAULTS.withWeightDecay(weightDecay));
            case MOMENTUM -> new Sgd(parameters, learningRate, new Sgd.Options(momentum, false, weightDecay));
            case NESTEROV -> new Sgd(parameters, learningRate, new Sgd.Options(momentum, true, weightDecay));
            case ADAM -> new Adam(parameters, learningRate, Adam.Options.DEFAULTS.withWeightDecay(weightDecay));
            case ADAMW -> new AdamW(parameters, learningRate, Adam.Options.DEFAULTS.withWeightDecay(weightDecay));
        };
    }
}
