package backprop.app;

import backprop.io.ModelFile;
import backprop.io.SavedModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --init-model DIR}: fine-tuning a saved model. Shared by train and the Spark trainer. */
public final class InitModelArguments {
    @Option(names = "--init-model", paramLabel = "DIR",
            description = "Fine-tune the model in DIR (from train, ModelFile.save or import): its weights are the start, the data is read "
                    + "in its columns, classes and standardizations, and --hidden, --activation and the column options come from it.")
    Path folder;

    /** {@return the model folder to start from, or null for a fresh network} */
    public Path folder() {
        return folder;
    }

    /** {@return the saved model to start from, or null when {@code --init-model} was not given} */
    public SavedModel load() {
        return folder == null ? null : ModelFile.load(folder);
    }
}
