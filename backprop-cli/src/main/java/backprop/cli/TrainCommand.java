package backprop.cli;

import backprop.InputException;
import backprop.app.DataArguments;
import backprop.app.ModelArguments;
import backprop.app.Options;
import backprop.app.OutputArguments;
import backprop.app.PreparationArguments;
import backprop.app.Progress;
import backprop.app.RunReport;
import backprop.app.TrainingArguments;
import backprop.autograd.AnomalyMode;
import backprop.data.PreparedData;
import backprop.io.Checkpoint;
import backprop.io.SavedModel;
import backprop.kernels.Kernels;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.optim.Optimizer;
import backprop.tensor.DType;
import backprop.train.Evaluation;
import backprop.train.History;
import backprop.train.Objective;
import backprop.train.Trainer;
import backprop.train.TrainingListener;
import backprop.train.TrainingOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backprop train}: trains a network by backpropagation and saves it (spec/train-cli.md). */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a network by backpropagation, evaluates it on held-out data and saves it.",
            "Writes model.json, model.safetensors, metrics.json, curves.png and curves.svg under --out.",
            "Exit status: 0 success; 1 the run diverged; 2 bad input or usage."})
public final class TrainCommand implements Callable<Integer> {
    /** The subfolder of a run where the per-epoch checkpoint lives. */
    static final String CHECKPOINT = OutputArguments.CHECKPOINT;

    @Spec
    CommandSpec spec;

    @Mixin
    DataArguments data;

    @Mixin
    PreparationArguments preparation;

    @Mixin
    ModelArguments model;

    @Mixin
    TrainingArguments training;

    @Option(names = "--threads", paramLabel = "T", description = "Compute threads (default: all cores).")
    Integer threads;

    @Mixin
    OutputArguments output;

    @Option(names = "--detect-anomaly",
            description = "Check every operation for NaN or infinity and name the first that makes one (slower).")
    boolean detectAnomaly;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run saved in DIR (killed or stopped) after its last finished epoch, with its own options.")
    Path resume;

    @Override
    public Integer call() {
        if (resume == null) {
            return train(null, OutputArguments.recorded(spec), spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        Checkpoint.Saved saved = Checkpoint.load(resume.resolve(CHECKPOINT));
        TrainCommand original = new TrainCommand();
        new picocli.CommandLine(original).parseArgs(saved.arguments().toArray(String[]::new));
        original.output.resume(resume, output.quiet());
        original.detectAnomaly |= detectAnomaly;
        return original.train(saved, saved.arguments(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Trains from scratch ({@code saved} null) or on from a checkpoint, and writes the run's files. */
    private int train(Checkpoint.Saved saved, List<String> arguments, PrintWriter stdout, PrintWriter err) {
        validate();
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Kernels.get().setThreads(threadCount);
        PreparedData prepared = PreparedData.prepare(data.source(), data.options(model.seed()), preparation.testFraction(),
                preparation.standardize());
        var train = prepared.train();
        Objective objective = model.objective(train.task(), train.numClasses());
        Mlp architecture = model.architecture(train.numFeatures(), objective.outputs(train.numClasses()));
        Sequential network = architecture.build(model.dtype(), new SplittableRandom(model.seed()), new SplittableRandom(model.seed()));
        Optimizer opt = training.optimizerSpec().create(network.parameters());
        TrainingOptions options = training.trainingOptions(model.seed(), train.size());

        Path folder = output.folder(data.source());
        List<TrainingListener> listeners = new ArrayList<>();
        if (!output.quiet()) {
            err.printf("backprop: %s, %,d training and %,d test rows, %d features; network %s, %,d parameters; %s kernels, %d threads%n",
                    prepared.source(), train.size(), prepared.test().size(), train.numFeatures(), RunReport.describe(architecture),
                    network.parameterCount(), Kernels.get().name(), threadCount);
            listeners.add(new Progress(err, objective.isClassification()));
        }
        training.earlyStopping().ifPresent(listeners::add);
        listeners.add(new Checkpoint(folder.resolve(CHECKPOINT), network, opt, arguments));
        History previous = new History();
        if (saved != null) {
            saved.restore(network, opt, folder.resolve(CHECKPOINT));
            previous = saved.history();
            if (!output.quiet()) {
                err.printf("backprop: resuming %s after epoch %d of %d%n", folder, previous.epochs().size(), training.epochs());
            }
        }
        History history;
        try (var anomalies = detectAnomaly ? AnomalyMode.enabled() : null) {
            history = new Trainer(network, objective, opt, options).fit(train, prepared.test(), previous, listeners);
        }

        Evaluation test = Evaluation.of(network, objective, prepared.test(), 1024);
        RunReport.finish(spec, folder, output.metricsCopy(), stdout, new SavedModel(architecture, network, objective, train.task(),
                train.featureNames(), train.classNames(), prepared.standardizer(), null), RunReport.Source.of(prepared),
                model.seed(), threadCount, history, test);
        return 0;
    }

    private void validate() {
        training.validate();
        preparation.validate();
        Options.require(threads == null || threads >= 1, "--threads", "must be a whole number >= 1", threads);
        model.validate();
    }

    /** The layer widths and activation, as {@code 64-32-10 relu} (evaluate's name for {@link RunReport#describe}). */
    static String describe(Mlp mlp) {
        return RunReport.describe(mlp);
    }
}
