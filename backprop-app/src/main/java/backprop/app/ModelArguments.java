package backprop.app;

import backprop.data.Task;
import backprop.nn.Activation;
import backprop.nn.Init;
import backprop.nn.Mlp;
import backprop.tensor.DType;
import backprop.train.Objective;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that shape a network and its loss: shared by train, gradcheck and the Spark trainer. */
public final class ModelArguments {
    @Option(names = "--hidden", paramLabel = "256,128",
            description = "Hidden layer widths; empty (--hidden \"\") is logistic or linear regression (default: ${DEFAULT-VALUE}).")
    String hidden = "64";

    @Option(names = "--activation", paramLabel = "relu|sigmoid|tanh", description = "Hidden activation (default: ${DEFAULT-VALUE}).")
    String activation = "relu";

    @Option(names = "--loss", paramLabel = "auto|cross-entropy|bce|logistic|mse",
            description = "auto: cross-entropy for several classes, bce for two, mse for regression (default: ${DEFAULT-VALUE}).")
    String loss = "auto";

    @Option(names = "--dropout", paramLabel = "P", description = "Dropout probability after each hidden activation (default: ${DEFAULT-VALUE}).")
    double dropout = 0;

    @Option(names = "--init", paramLabel = "pytorch|he|xavier",
            description = "Weight initialization; pytorch is nn.Linear's default, uniform in ±1/sqrt(fan_in) (default: ${DEFAULT-VALUE}).")
    String init = "pytorch";

    @Option(names = "--seed", paramLabel = "S", description = "Makes the whole run reproducible: initialization, shuffling, split, dropout (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--dtype", paramLabel = "float32|float64", description = "Precision of the weights and the arithmetic (default: ${DEFAULT-VALUE}).")
    String dtype = "float32";

    public long seed() {
        return seed;
    }

    public void validate() {
        Options.require(dropout >= 0 && dropout < 1, "--dropout", "must be in [0, 1)", dropout);
        hiddenWidths();
        activationKind();
        dtype();
        Options.choice("--init", init, Init::of);
    }

    List<Integer> hiddenWidths() {
        List<Integer> widths = new ArrayList<>();
        for (String part : hidden.split(",", -1)) {
            if (part.isBlank() && hidden.isBlank()) {
                continue;
            }
            try {
                int w = Integer.parseInt(part.trim());
                Options.require(w >= 1, "--hidden", "widths must be whole numbers >= 1, separated by commas", "'" + hidden + "'");
                widths.add(w);
            } catch (NumberFormatException e) {
                Options.require(false, "--hidden", "widths must be whole numbers >= 1, separated by commas", "'" + hidden + "'");
            }
        }
        return widths;
    }

    Activation activationKind() {
        return Options.choice("--activation", activation, Activation::of);
    }

    public DType dtype() {
        return switch (dtype) {
            case "float32" -> DType.FLOAT32;
            case "float64" -> DType.FLOAT64;
            default -> throw new backprop.InputException("--dtype: must be float32 or float64; got '" + dtype + "'");
        };
    }

    /** The loss for this data: the one named, checked against the task and classes, or the automatic choice. */
    public Objective objective(Task task, int classes) {
        Objective objective = loss.equals("auto") ? Objective.auto(task, classes) : Options.choice("--loss", loss, Objective::of);
        Options.choice("--loss", objective.id(), id -> {
            objective.checkFits(task, classes);
            return objective;
        });
        return objective;
    }

    public Mlp architecture(int inputs, int outputs) {
        return new Mlp(inputs, hiddenWidths(), outputs, activationKind(), dropout, Options.choice("--init", init, Init::of));
    }
}
