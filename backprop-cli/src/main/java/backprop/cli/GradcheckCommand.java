package backprop.cli;

import backprop.InputException;
import backprop.app.DataArguments;
import backprop.app.ModelArguments;
import backprop.app.Options;
import backprop.app.RunReport;
import backprop.autograd.GradCheck;
import backprop.data.Dataset;
import backprop.data.PreparedData;
import backprop.data.Task;
import backprop.io.ModelFile;
import backprop.io.SavedModel;
import backprop.nn.Dropout;
import backprop.nn.Init;
import backprop.nn.LayerSpec;
import backprop.nn.Mlp;
import backprop.nn.Module;
import backprop.nn.Sequential;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import backprop.train.Objective;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code backprop gradcheck}: compares a network's backpropagated gradients with central finite
 * differences ({@link GradCheck#parameters}), parameter tensor by parameter tensor.
 *
 * <p>The check is only meaningful under three preconditions, which this command sets and states:
 * float64 arithmetic (float32 differences are noise at 1e-6), dropout off (a random mask would
 * make the loss a different function at every evaluation), and one fixed batch. The network is
 * a saved model's (weights converted to float64) or a fresh one from the model options, sized
 * for the data.
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Checks a network's backpropagation against central finite differences, per parameter tensor.",
            "Runs in float64 with dropout off on a fixed batch of training rows. With --model and no --data, the model's training data is used.",
            "Exit status: 0 every error within --tolerance; 1 some error above it; 2 bad input or usage."})
public final class GradcheckCommand implements Callable<Integer> {
    /** Model options that a saved model fixes; giving them with --model would be ignored, so it is refused. */
    private static final List<String> ARCHITECTURE_OPTIONS = List.of("--hidden", "--activation", "--loss", "--dropout", "--init");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Check this saved model (default: a fresh network from the model options).")
    Path modelDir;

    @Mixin
    DataArguments data;

    @Mixin
    ModelArguments model;

    @Option(names = "--batch-size", paramLabel = "B", description = "Rows in the fixed batch: the first B of the training split (default: ${DEFAULT-VALUE}).")
    int batchSize = 8;

    @Option(names = "--samples", paramLabel = "N", description = "Elements checked per parameter tensor, chosen by --seed; all when it has no more (default: ${DEFAULT-VALUE}).")
    int samples = 20;

    @Option(names = "--tolerance", paramLabel = "X", description = "Largest error that passes (default: ${DEFAULT-VALUE}).")
    double tolerance = GradCheck.TOLERANCE;

    @Override
    public Integer call() {
        validate();
        Checked subject = modelDir != null ? fromModel() : fresh();
        Module network = subject.network();
        network.eval();
        Dataset batch = subject.batch();
        int n = batch.size();
        int d = batch.numFeatures();
        Tensor x = Tensor.wrap(toDoubles(batch.features()), n, d);
        int[] labels = batch.task() == Task.CLASSIFICATION ? batch.labels() : new int[n];
        float[] targets = batch.task() == Task.REGRESSION ? batch.targets() : new float[n];
        Objective objective = subject.objective();
        double loss = objective.loss(network.forward(x), labels, targets, n).item();
        if (!Double.isFinite(loss)) {
            // every derivative of a loss that is not a number is not one either: there is nothing to compare
            spec.commandLine().getErr().printf("gradcheck: FAILED: the loss is %s on the batch (%s); no derivative of it can be checked%n",
                    loss, subject.what());
            return Main.FAILED;
        }
        List<GradCheck.ParameterCheck> checks = GradCheck.parameters(
                () -> objective.loss(network.forward(x), labels, targets, n), network.namedParameters(), samples,
                new SplittableRandom(model.seed()));

        PrintWriter out = spec.commandLine().getOut();
        out.printf("gradcheck: %s network, %s loss, %s%n", RunReport.describe(network), objective.id(), subject.what());
        out.printf("preconditions: float64 arithmetic%s; dropout off (evaluation mode%s); a fixed batch of the first %d rows of %s%n",
                modelDir != null ? " (the saved weights converted)" : "",
                dropouts(network),
                n, subject.rows());
        out.printf("numeric derivative (f(x+h) - f(x-h)) / 2h with h = 1e-6 max(1, |x|); error |analytic - numeric| / max(1, |analytic|, |numeric|)%n%n");
        out.printf("%-10s %-10s %-13s %-12s %s%n", "parameter", "shape", "checked", "worst error", "at");
        GradCheck.ParameterCheck worst = null;
        for (GradCheck.ParameterCheck c : checks) {
            String checked = c.checked().length == c.size() ? "all " + c.size() : c.checked().length + " of " + c.size();
            String error = c.nonFinite() != null ? "not finite" : "%.3e".formatted(c.maxError());
            out.printf("%-10s %-10s %-13s %-12s %s%n", c.name(), shape(c.shape()), checked, error, index(c.worstIndex(), c.shape()));
            if (c.checked().length < c.size()) {
                StringJoiner which = new StringJoiner(" ", "    sampled: ", "");
                for (int i : c.checked()) {
                    which.add(index(i, c.shape()));
                }
                out.println(which);
            }
            if (worst == null || !(c.maxError() <= worst.maxError())) {
                worst = c;
            }
        }
        for (GradCheck.ParameterCheck c : checks) {
            GradCheck.NonFinite bad = c.nonFinite();
            if (bad != null) {
                out.flush();
                spec.commandLine().getErr().printf("gradcheck: FAILED: the %s derivative of %s%s is %s; no error can be computed from it%n",
                        bad.analytic() ? "analytic (backpropagated)" : "numeric (finite-difference)", c.name(), index(bad.index(), c.shape()),
                        bad.value());
                return Main.FAILED;
            }
        }
        boolean passed = checks.stream().allMatch(c -> c.passed(tolerance));
        String where = worst.name() + index(worst.worstIndex(), worst.shape());
        if (passed) {
            out.printf("%npassed: every error <= %.1e (worst %.3e, %s)%n", tolerance, worst.maxError(), where);
            return 0;
        }
        out.flush();
        spec.commandLine().getErr().printf("gradcheck: FAILED: error %.3e at %s exceeds --tolerance %.1e%n", worst.maxError(), where, tolerance);
        return Main.FAILED;
    }

    /** What is checked: the network (float64), its loss, and the fixed batch, with words for the report. */
    private record Checked(Module network, Objective objective, Dataset batch, String what, String rows) {}

    private Checked fromModel() {
        SavedModel saved = ModelFile.load(modelDir);
        ModelData modelData = ModelData.load(modelDir, saved, data, matched("--data"));
        ModelData.Rows rows = modelData.trainingRows();
        // The same layers in float64, the saved weights converted; the initial values are overwritten at once.
        Module network = LayerSpec.of(saved.network()).build(DType.FLOAT64, Init.PYTORCH, new SplittableRandom(0), new SplittableRandom(0));
        network.loadStateDict(saved.network().stateDict());
        return new Checked(network, saved.objective(), first(rows.parts().get(0)),
                "model " + modelDir + " on " + modelData.source(), rows.description());
    }

    private Checked fresh() {
        PreparedData prepared = PreparedData.prepare(data.source(), data.options(model.seed()), 0.2, PreparedData.Standardize.AUTO);
        Dataset train = prepared.train();
        Objective objective = model.objective(train.task(), train.numClasses());
        Mlp architecture = model.architecture(train.numFeatures(), objective.outputs(train.numClasses()));
        Sequential network = architecture.build(DType.FLOAT64, new SplittableRandom(model.seed()), new SplittableRandom(model.seed()));
        return new Checked(network, objective, first(train),
                "freshly initialized (--init " + architecture.init().id() + ", --seed " + model.seed() + ") on " + prepared.source(),
                "the training split (%,d rows)".formatted(train.size()));
    }

    /** {@code , dropout 0.5 in training} for a network with dropout (each probability once), else nothing. */
    private static String dropouts(Module network) {
        Set<Double> ps = new LinkedHashSet<>();
        for (Dropout d : network.modules(Dropout.class)) {
            if (d.p() > 0) {
                ps.add(d.p());
            }
        }
        return ps.isEmpty() ? "" : ", dropout " + ps.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " in training";
    }

    private void validate() {
        Options.require(batchSize >= 1, "--batch-size", "must be a whole number >= 1", batchSize);
        Options.require(samples >= 1, "--samples", "must be a whole number >= 1", samples);
        Options.require(tolerance > 0 && Double.isFinite(tolerance), "--tolerance", "must be a number > 0", tolerance);
        if (matched("--dtype")) {
            throw new InputException("--dtype: gradcheck always runs in float64, the only precision a 1e-6 check means anything in; got "
                    + spec.findOption("--dtype").getValue());
        }
        if (modelDir != null) {
            for (String option : ARCHITECTURE_OPTIONS) {
                if (matched(option)) {
                    throw new InputException(option + ": the saved model in " + modelDir + " fixes it; drop it or drop --model; got '"
                            + spec.commandLine().getParseResult().matchedOption(option).getValue() + "'");
                }
            }
        } else {
            model.validate();
        }
    }

    private boolean matched(String option) {
        ParseResult parsed = spec.commandLine().getParseResult();
        return parsed.hasMatchedOption(option);
    }

    private Dataset first(Dataset rows) {
        int[] first = new int[Math.min(batchSize, rows.size())];
        Arrays.setAll(first, i -> i);
        return rows.subset(first);
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static String shape(int[] shape) {
        return Arrays.toString(shape).replace(" ", "");
    }

    /** A flat index as the tensor's coordinates, {@code [row,column]}. */
    private static String index(int flat, int[] shape) {
        int[] at = new int[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            at[k] = flat % shape[k];
            flat /= shape[k];
        }
        return Arrays.toString(at).replace(" ", "");
    }
}
