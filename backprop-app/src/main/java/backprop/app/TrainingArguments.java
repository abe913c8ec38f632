package backprop.app;

import backprop.InputException;
import backprop.optim.OptimizerSpec;
import backprop.optim.Schedule;
import backprop.train.EarlyStopping;
import backprop.train.TrainingOptions;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of the optimization itself (optimizer, learning rate and its schedule, epochs,
 * batch size, early stopping): shared by {@code backprop train} and the Spark trainer of
 * backprop-spark, which takes the same options.
 */
public final class TrainingArguments {
    @Option(names = "--optimizer", paramLabel = "sgd|momentum|nesterov|adam|adamw", description = "Default: ${DEFAULT-VALUE}.")
    String optimizer = "adam";

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr = 0.001;

    @Option(names = "--momentum", paramLabel = "X", description = "For momentum and nesterov (default: ${DEFAULT-VALUE}).")
    double momentum = 0.9;

    @Option(names = "--weight-decay", paramLabel = "X", description = "L2 penalty; decoupled for adamw (default: ${DEFAULT-VALUE}).")
    double weightDecay = 0;

    @Option(names = "--schedule", paramLabel = "constant|step|cosine", description = "Learning-rate schedule (default: ${DEFAULT-VALUE}).")
    String schedule = "constant";

    @Option(names = "--warmup", paramLabel = "STEPS", description = "Linear learning-rate warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup = 0;

    @Option(names = "--epochs", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int epochs = 10;

    @Option(names = "--batch-size", paramLabel = "B", description = "1 is per-sample SGD (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--early-stopping", paramLabel = "EPOCHS",
            description = "Stop when the validation loss has not improved for this many epochs, and keep the best epoch's weights.")
    Integer patience;

    /** Checks every value; a bad one is an {@link InputException} naming its flag. */
    public void validate() {
        Options.require(epochs >= 1, "--epochs", "must be a whole number >= 1", epochs);
        Options.require(batchSize >= 1, "--batch-size", "must be a whole number >= 1", batchSize);
        Options.require(lr > 0 && Double.isFinite(lr), "--lr", "must be a number > 0", lr);
        Options.require(momentum >= 0 && momentum < 1, "--momentum", "must be in [0, 1)", momentum);
        Options.require(weightDecay >= 0 && Double.isFinite(weightDecay), "--weight-decay", "must be a number >= 0", weightDecay);
        Options.require(warmup >= 0, "--warmup", "must be a whole number >= 0", warmup);
        Options.require(patience == null || patience >= 1, "--early-stopping", "must be a whole number >= 1", patience);
        optimizerSpec();
        schedule(1);
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    /** {@return the optimizer's name as given, for the memory estimate} */
    public String optimizerName() {
        return optimizer;
    }

    /** The listener {@code --early-stopping} asks for, if it does. */
    public Optional<EarlyStopping> earlyStopping() {
        return earlyStopping(null);
    }

    /** The listener {@code --early-stopping} asks for, if it does, keeping the best epoch's weights of {@code network} unless it is null. */
    public Optional<EarlyStopping> earlyStopping(backprop.nn.Module network) {
        return patience == null ? Optional.empty() : Optional.of(new EarlyStopping(patience, 0, network));
    }

    /** Epochs, batch size, seed and the learning-rate schedule over all the steps of {@code trainRows} rows. */
    public TrainingOptions trainingOptions(long seed, long trainRows) {
        long steps = (long) epochs * ((trainRows + batchSize - 1) / batchSize);
        return new TrainingOptions(epochs, batchSize, seed, schedule(steps).withWarmup(warmup));
    }

    /** The optimizer {@code --optimizer} names, with the learning rate, momentum and weight decay given. */
    public OptimizerSpec optimizerSpec() {
        OptimizerSpec.Kind kind = Options.choice("--optimizer", optimizer, OptimizerSpec.Kind::of);
        return Options.choice("--momentum", Double.toString(momentum), m -> new OptimizerSpec(kind, lr, momentum, weightDecay));
    }

    private Schedule schedule(long steps) {
        return switch (schedule) {
            case "constant" -> Schedule.constant();
            case "step" -> Schedule.stepDecay(Math.max(1, steps / 3), 0.1);
            case "cosine" -> Schedule.cosine(steps, 0);
            default -> throw new InputException("--schedule: must be one of constant, step, cosine; got '" + schedule + "'");
        };
    }
}
