package backprop.app;

import backprop.data.PreparedData;
import picocli.CommandLine.Option;

/** How training data is prepared: the held-out share and standardization. Shared by train and the Spark trainer. */
public final class PreparationArguments {
    @Option(names = "--test-fraction", paramLabel = "F", description = "Held-out share when the source has no test split (default: ${DEFAULT-VALUE}).")
    double testFraction = 0.2;

    @Option(names = "--standardize", paramLabel = "auto|yes|no",
            description = "Standardize features with statistics of the training split (auto: all but image sources; default: ${DEFAULT-VALUE}).")
    String standardize = "auto";

    /** Checks every value; a bad one is an {@link backprop.InputException} naming its flag. */
    public void validate() {
        Options.require(testFraction > 0 && testFraction < 1, "--test-fraction", "must be in (0, 1)", testFraction);
        standardize();
    }

    public double testFraction() {
        return testFraction;
    }

    public PreparedData.Standardize standardize() {
        return Options.choice("--standardize", standardize, PreparedData.Standardize::of);
    }
}
