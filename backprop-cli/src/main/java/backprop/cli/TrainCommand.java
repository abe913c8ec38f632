package backprop.cli;

import backprop.InputException;
import backprop.app.ColumnArguments;
import backprop.app.DataArguments;
import backprop.app.InitModelArguments;
import backprop.app.MemoryBudget;
import backprop.app.ModelArguments;
import backprop.app.Options;
import backprop.app.OutputArguments;
import backprop.app.PreparationArguments;
import backprop.app.Progress;
import backprop.app.RunGuard;
import backprop.app.RunReport;
import backprop.app.TrainingArguments;
import backprop.autograd.AnomalyMode;
import backprop.data.DataOptions;
import backprop.data.Dataset;
import backprop.data.PreparedData;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.io.Checkpoint;
import backprop.io.SavedModel;
import backprop.kernels.Kernels;
import backprop.nn.Mlp;
import backprop.nn.Module;
import backprop.optim.Optimizer;
import backprop.train.EarlyStopping;
import backprop.train.Evaluation;
import backprop.train.History;
import backprop.train.Objective;
import backprop.train.RegressionMetrics;
import backprop.train.Trainer;
import backprop.train.Warmup;
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

/** {@code backprop train}: trains a network by backpropagation and saves it (docs/training.md). */
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
    ColumnArguments columns;

    @Mixin
    PreparationArguments preparation;

    @Option(names = "--validation-split", paramLabel = "F",
            description = "Share of the training rows held out to choose the epoch by; early stopping watches it (default: 0.1 with --early-stopping, else 0).")
    Double validationSplit;

    @Option(names = "--class-weight", paramLabel = "none|balanced",
            description = "balanced: weight each class's rows by n / (classes * rows of the class), as scikit-learn (default: ${DEFAULT-VALUE}).")
    String classWeight = "none";

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

    @Mixin
    InitModelArguments initModel;

    @Option(names = "--allow-data-change",
            description = "With --resume: go on although the data's SHA-256 differs from the one the run recorded.")
    boolean allowDataChange;

    /** Set on resume when the checkpoint holds every epoch the run will train, but the run's files were never written. */
    private boolean trainedOut;

    /** What may be given beside --resume: the rest is the run's own and fixed by its checkpoint. */
    private static final java.util.Set<String> RESUME_OPTIONS =
            java.util.Set.of("--resume", "--quiet", "--epochs", "--detect-anomaly", "--allow-data-change", "--debug");

    @Override
    public Integer call() {
        if (resume == null) {
            return train(null, OutputArguments.recorded(spec), spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        PrintWriter err = spec.commandLine().getErr();
        for (picocli.CommandLine.Model.OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            if (!RESUME_OPTIONS.contains(option.longestName())) {
                throw new InputException(option.longestName() + ": cannot be changed when resuming; the run in " + resume
                        + " keeps its own options; expected only --epochs, --quiet, --detect-anomaly or --allow-data-change "
                        + "beside --resume (or a new run with another --out)");
            }
        }
        Checkpoint.Saved saved = Checkpoint.load(resume.resolve(CHECKPOINT));
        List<String> arguments = new ArrayList<>(saved.arguments());
        TrainCommand original = parse(arguments);
        int trained = saved.epochs().size();
        if (spec.commandLine().getParseResult().hasMatchedOption("--epochs") && training.epochs() != original.training.epochs()) {
            Options.require(training.epochs() >= trained, "--epochs", "must be at least the " + trained
                    + " epochs the run in " + resume + " has trained", training.epochs());
            err.printf("backprop: %s: --epochs %d applied (the run was started with --epochs %d)%n", resume, training.epochs(),
                    original.training.epochs());
            int at = arguments.indexOf("--epochs");
            if (at >= 0) {
                arguments.subList(at, at + 2).clear();
            }
            arguments.add("--epochs");
            arguments.add(Integer.toString(training.epochs()));
            original = parse(arguments);
        }
        String finished = original.finished(saved);
        // its files are written after the last checkpoint: a run killed in between is finished by this resume
        boolean written = java.nio.file.Files.exists(resume.resolve("curves.png")) && java.nio.file.Files.exists(resume.resolve("curves.svg"));
        if (finished != null && written) {
            err.printf("backprop: %s finished at epoch %d (%s); nothing to do: the run is left as it is (give --epochs with more epochs to train on)%n",
                    resume, trained, finished);
            return 0;
        }
        original.output.resume(resume, output.quiet());
        original.detectAnomaly |= detectAnomaly;
        original.allowDataChange = allowDataChange;
        original.resume = resume;
        original.trainedOut = finished != null;
        return original.train(saved, arguments, spec.commandLine().getOut(), err);
    }

    /** Reads and prepares the data: the user's file, or the fine-tuned model's own columns. */
    private PreparedData prepare(SavedModel start) {
        if (start != null) {
            return ModelData.load(initModel.folder(), start, data, spec.commandLine().getParseResult().hasMatchedOption("--data"))
                    .forFineTuning(start, preparation.testFraction(), validationFraction(), model.seed());
        }
        DataOptions dataOptions = data.options(model.seed());
        return PreparedData.prepare(data.source(), dataOptions.withCsv(dataOptions.csv().withChoice(columns.choice())),
                preparation.testFraction(), validationFraction(), preparation.standardize());
    }

    /**
     * Compiles the training step's code on another core while the data is read (see {@link Warmup}),
     * or null when the options are bad: those errors are reported where they always are.
     */
    private Warmup warmUp() {
        try {
            return Warmup.start(model.architecture(1, 10), training.optimizerSpec(), model.dtype());
        } catch (RuntimeException badOptions) {
            return null;
        }
    }

    private static TrainCommand parse(List<String> arguments) {
        TrainCommand command = new TrainCommand();
        new picocli.CommandLine(command).parseArgs(arguments.toArray(String[]::new));
        return command;
    }

    /** Why a saved run needs no more epochs (all its epochs trained, or early stopping ended it), or null. */
    private String finished(Checkpoint.Saved saved) {
        if (saved.epochs().size() >= training.epochs()) {
            return "all " + training.epochs() + " epochs trained";
        }
        return training.earlyStopping().map(stopping -> {
            stopping.resume(saved.history(), saved.bestWeights());
            return stopping.stopRequested() ? "stopped early by --early-stopping" : null;
        }).orElse(null);
    }

    /** Trains from scratch ({@code saved} null) or on from a checkpoint, and writes the run's files. */
    private int train(Checkpoint.Saved saved, List<String> arguments, PrintWriter stdout, PrintWriter err) {
        validate();
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Kernels.get().setThreads(threadCount);
        Path dataFile = data.source().contains("/") || data.source().contains(".") ? Path.of(data.source()) : null;
        RunGuard.requireWritable("--metrics", output.metricsCopy(), dataFile);
        Path folder = output.folder(data.source());   // once: without --out the name holds the time
        if (folder.toString().isBlank()) {
            throw new InputException("--out: must be a folder's path; got ''");
        }
        SavedModel start = initModel.load();
        PreparedData prepared;
        try (Warmup warmup = warmUp()) {
            prepared = prepare(start);
        }
        prepared.warnings().forEach(w -> err.println("backprop: warning: " + w));
        var train = prepared.train();
        Options.require(!balanced() || train.task() == Task.CLASSIFICATION, "--class-weight",
                "balanced weighs classes; the task is regression", "'" + classWeight + "'");
        Objective objective = start != null ? start.objective() : model.objective(train.task(), train.numClasses());
        Module network;
        if (start != null) {
            network = start.network();
            network.train();
        } else {
            Mlp architecture = model.architecture(train.numFeatures(), objective.outputs(train.numClasses()));
            MemoryBudget.check(architecture, model.dtype(), training.optimizerName(), training.batchSize(), train.size());
            network = architecture.build(model.dtype(), new SplittableRandom(model.seed()), new SplittableRandom(model.seed()));
        }
        Optimizer opt = training.optimizerSpec().create(network.parameters());
        TrainingOptions options = training.trainingOptions(model.seed(), train.size());

        Dataset validation = prepared.validation();
        List<TrainingListener> listeners = new ArrayList<>();
        if (!output.quiet()) {
            err.printf("backprop: %s, %,d training, %s%,d test rows, %d features; network %s, %,d parameters; %s kernels, %d threads%n",
                    prepared.source(), train.size(), validation == null ? "" : "%,d validation and ".formatted(validation.size()),
                    prepared.test().size(), train.numFeatures(), RunReport.describe(network),
                    network.parameterCount(), Kernels.get().name(), threadCount);
            listeners.add(new Progress(err, objective.isClassification()));
        }
        History previous = saved == null ? new History() : saved.history();
        EarlyStopping stopping = training.earlyStopping(network).orElse(null);
        if (stopping != null) {
            stopping.resume(previous, saved == null ? java.util.Map.of() : saved.bestWeights());
            listeners.add(stopping);
        }
        if (saved != null) {
            // before the lock, which leaves its file: a checkpoint that does not fit changes nothing in the run's folder
            checkSameData(saved, prepared);
            saved.restore(network, opt, folder.resolve(CHECKPOINT));
        }
        try (RunGuard guard = RunGuard.lock(folder, err)) {
            listeners.add(guard);
            listeners.add(guard.guarding(new Checkpoint(folder.resolve(CHECKPOINT), network, opt, arguments, prepared.sha256(), stopping)));
            return train(saved, previous, prepared, validation, network, opt, options, objective, stopping, folder, listeners,
                    threadCount, stdout, err);
        }
    }

    private int train(Checkpoint.Saved saved, History previous, PreparedData prepared, Dataset validation, Module network,
                      Optimizer opt, TrainingOptions options, Objective objective, EarlyStopping stopping, Path folder,
                      List<TrainingListener> listeners, int threadCount, PrintWriter stdout, PrintWriter err) {
        var train = prepared.train();
        if (saved != null) {
            if (!output.quiet()) {
                err.printf("backprop: resuming %s after epoch %d of %d%n", folder, previous.epochs().size(), training.epochs());
            }
        }
        History history = previous;
        if (trainedOut) {
            network.eval();
        } else {
            try (var anomalies = detectAnomaly ? AnomalyMode.enabled() : null) {
                float[] weights = balanced() ? Objective.balancedWeights(train.classCounts()) : null;
                history = new Trainer(network, objective, opt, options, weights)
                        .fit(train, validation != null ? validation : prepared.test(), previous, listeners);
            }
        }
        int best = stopping == null ? 0 : stopping.restoreBest();

        Evaluation test = Evaluation.of(network, objective, prepared.test(), EvaluateCommand.BATCH);
        Standardizer targetScale = prepared.targetStandardizer();
        RunReport.Scores scores = new RunReport.Scores(test,
                validation == null ? null : Evaluation.of(network, objective, validation, EvaluateCommand.BATCH),
                objective.isClassification() ? null : RegressionMetrics.of(network, prepared.test(), EvaluateCommand.BATCH,
                        targetScale, targetScale == null ? Double.NaN : targetScale.means()[0]),
                targetScale == null ? 1 : targetScale.stds()[0], best);
        RunReport.finish(spec, folder, output.metricsCopy(), stdout, SavedModel.of(network, objective, prepared),
                RunReport.Source.of(prepared), model.seed(), threadCount, history, scores);
        return 0;
    }

    /** The data must be what the run trained on, byte for byte, unless --allow-data-change says otherwise. */
    private void checkSameData(Checkpoint.Saved saved, PreparedData prepared) {
        if (saved.dataSha256() == null || saved.dataSha256().equals(prepared.sha256()) || allowDataChange) {
            return;
        }
        throw new InputException(prepared.source() + ": has changed since the run in " + resume + " began (SHA-256 "
                + prepared.sha256().substring(0, 12) + "..., recorded " + saved.dataSha256().substring(0, Math.min(12, saved.dataSha256().length()))
                + "...); expected the same data, or --allow-data-change to resume on this data");
    }

    /** {@code --validation-split}, or its default: 0.1 with early stopping, else none. */
    private double validationFraction() {
        return validationSplit != null ? validationSplit : training.earlyStopping(null).isPresent() ? 0.1 : 0;
    }

    private boolean balanced() {
        return Options.choice("--class-weight", classWeight, w -> switch (w) {
            case "none" -> false;
            case "balanced" -> true;
            default -> throw new IllegalArgumentException("must be none or balanced; got '" + w + "'");
        });
    }

    private void validate() {
        training.validate();
        preparation.validate();
        columns.validate(data.source());
        balanced();
        Options.require(validationSplit == null || (validationSplit >= 0 && validationSplit < 1), "--validation-split",
                "must be in [0, 1)", validationSplit);
        Options.require(validationFraction() > 0 || training.earlyStopping(null).isEmpty(), "--validation-split",
                "must be > 0 with --early-stopping, which chooses the epoch on the validation rows", validationSplit);
        Options.require(threads == null || threads >= 1, "--threads", "must be a whole number >= 1", threads);
        model.validate();
    }
}
