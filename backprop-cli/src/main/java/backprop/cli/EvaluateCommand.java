package backprop.cli;

import backprop.InputException;
import backprop.app.DataArguments;
import backprop.app.Options;
import backprop.app.RunReport;
import backprop.data.Dataset;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.io.ModelFile;
import backprop.io.SavedModel;
import backprop.train.Evaluation;
import backprop.train.RegressionMetrics;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop evaluate}: scores a saved model on a data source: loss, accuracy (or RMSE),
 * per-class precision and recall, and the confusion matrix.
 *
 * <p>On the model's own training data the default rows are exactly the test rows of the
 * training run, so the accuracy agrees with its metrics.json (see {@link ModelData}).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scores a saved model on a data source: loss, accuracy or RMSE, per-class precision and recall, confusion matrix.",
            "The data is standardized with the model's own statistics and its labels mapped to the model's classes.",
            "Without --data, the model's training data is used (the default shown for --data is train's).",
            "Exit status: 0 success; 2 bad input or usage."})
public final class EvaluateCommand implements Callable<Integer> {
    /** The batch train uses for its final evaluation: the same batches give the same loss to the last bit. */
    static final int BATCH = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder written by backprop train.")
    Path modelDir;

    @Mixin
    DataArguments data;

    @Option(names = "--split", paramLabel = "test|train|all",
            description = "Which rows (default: the test rows where the source has them, i.e. the held-out split of the model's"
                    + " training data or an official test split; else all rows).")
    String split;

    @Option(names = "--json", description = "Print one JSON object instead of the tables.")
    boolean json;

    @Override
    public Integer call() {
        ModelData.Split which = split == null ? null : Options.choice("--split", split, ModelData.Split::of);
        SavedModel model = ModelFile.load(modelDir);
        ModelData modelData = ModelData.load(modelDir, model, data, spec.commandLine().getParseResult().hasMatchedOption("--data"));
        modelData.warnings().forEach(w -> spec.commandLine().getErr().println("backprop: warning: " + w));
        ModelData.Rows rows = modelData.rows(which);
        if (rows.parts().stream().mapToInt(Dataset::size).sum() == 0) {
            // every score of no rows is 0/0: refused rather than printed as NaN
            throw new InputException("--split " + (split == null ? "test" : split) + ": " + modelData.source() + " has no rows in "
                    + rows.description() + "; expected at least one to evaluate (try --split all)");
        }
        Evaluation ev = evaluate(model, rows.parts());
        RegressionMetrics regression = model.task() == Task.REGRESSION ? regression(model, rows.parts()) : null;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report(model, modelData, rows, ev, regression).toPrettyString());
        } else {
            printTables(out, model, modelData, rows, ev, regression);
        }
        out.flush();
        return 0;
    }

    /** One evaluation over all parts, as if they were one data set (only the loss's last bits may differ). */
    static Evaluation evaluate(SavedModel model, List<Dataset> parts) {
        Evaluation total = null;
        for (Dataset part : parts) {
            Evaluation e = Evaluation.of(model.network(), model.objective(), part, BATCH);
            total = total == null ? e : combine(total, e);
        }
        return total;
    }

    /**
     * A regression's errors over all parts in the target's units; the baseline is the training
     * mean where the model knows it (its target standardization), else NaN.
     */
    static RegressionMetrics regression(SavedModel model, List<Dataset> parts) {
        Standardizer scale = model.targetStandardizer();
        double baseline = scale == null ? Double.NaN : scale.means()[0];
        if (parts.size() == 1) {
            return RegressionMetrics.of(model.network(), parts.get(0), BATCH, scale, baseline);
        }
        int d = parts.get(0).numFeatures();
        int n = parts.stream().mapToInt(Dataset::size).sum();
        float[] x = new float[n * d];
        float[] y = new float[n];
        int at = 0;
        for (Dataset part : parts) {
            System.arraycopy(part.features(), 0, x, at * d, part.size() * d);
            System.arraycopy(part.targets(), 0, y, at, part.size());
            at += part.size();
        }
        return RegressionMetrics.of(model.network(), Dataset.regression(x, d, y, parts.get(0).featureNames()), BATCH, scale, baseline);
    }

    private static Evaluation combine(Evaluation a, Evaluation b) {
        int n = a.size() + b.size();
        double loss = (a.loss() * a.size() + b.loss() * b.size()) / n;
        double rmse = Math.sqrt((a.rmse() * a.rmse() * a.size() + b.rmse() * b.rmse() * b.size()) / n);
        int k = a.confusion().length;
        int[][] confusion = new int[k][k];
        int correct = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                confusion[i][j] = a.confusion()[i][j] + b.confusion()[i][j];
            }
            correct += confusion[i][i];
        }
        return new Evaluation(loss, k == 0 ? Double.NaN : (double) correct / n, confusion, rmse, n);
    }

    private ObjectNode report(SavedModel model, ModelData modelData, ModelData.Rows rows, Evaluation ev, RegressionMetrics regression) {
        ObjectNode o = RunReport.JSON.createObjectNode();
        o.put("model", modelDir.toString());
        o.put("data", modelData.source());
        o.put("split", split == null ? "default" : split);
        o.put("rows_description", rows.description());
        o.put("rows", ev.size());
        RunReport.number(o, "loss", ev.loss());
        if (!model.objective().isClassification()) {
            RunReport.number(o, "rmse", regression.rmse());
            RunReport.number(o, "mae", regression.mae());
            RunReport.number(o, "r2", regression.r2());
            RunReport.number(o, "baseline_rmse", regression.baselineRmse());
            return o;
        }
        RunReport.number(o, "accuracy", ev.accuracy());
        boolean compared = RunReport.comparesClasses(ev);
        RunReport.number(o, "balanced_accuracy", compared ? ev.balancedAccuracy() : Double.NaN);
        RunReport.number(o, "macro_f1", compared ? ev.macroF1() : Double.NaN);
        ArrayNode classes = o.putArray("classes");
        for (int c = 0; c < model.classes().size(); c++) {
            ObjectNode row = classes.addObject();
            row.put("class", model.classes().get(c));
            RunReport.number(row, "precision", ev.precision(c));
            RunReport.number(row, "recall", ev.recall(c));
            row.put("support", support(ev, c));
        }
        ArrayNode confusion = o.putArray("confusion");
        for (int[] r : ev.confusion()) {
            ArrayNode line = confusion.addArray();
            for (int v : r) {
                line.add(v);
            }
        }
        return o;
    }

    private void printTables(PrintWriter out, SavedModel model, ModelData modelData, ModelData.Rows rows, Evaluation ev,
                             RegressionMetrics regression) {
        out.printf("model     %s (%s, %s loss)%n", modelDir, RunReport.describe(model.network()), model.objective().id());
        out.printf("data      %s: %s%n", modelData.source(), rows.description());
        out.printf("loss      %.6f%n", ev.loss());
        if (!model.objective().isClassification()) {
            out.printf("RMSE      %.6g%n", regression.rmse());
            out.printf("MAE       %.6g%n", regression.mae());
            out.printf("R^2       %s%n", RunReport.r2(regression));
            if (!Double.isNaN(regression.baselineRmse())) {
                out.printf("baseline  RMSE %.6g (predicting the training mean)%n", regression.baselineRmse());
            }
            return;
        }
        int correct = 0;
        for (int c = 0; c < ev.confusion().length; c++) {
            correct += ev.confusion()[c][c];
        }
        out.printf("accuracy  %.4f (%,d of %,d)%n", ev.accuracy(), correct, ev.size());
        if (RunReport.comparesClasses(ev)) {
            out.printf("balanced accuracy %.4f, macro F1 %.4f%n%n", ev.balancedAccuracy(), ev.macroF1());
        } else {
            out.printf("balanced accuracy and macro F1 omitted: the rows hold one class only; they compare classes%n%n");
        }

        List<String> classes = model.classes();
        int w = Math.max(5, classes.stream().mapToInt(String::length).max().orElse(5));
        out.printf("%-" + w + "s  %9s  %6s  %7s%n", "class", "precision", "recall", "support");
        for (int c = 0; c < classes.size(); c++) {
            out.printf("%-" + w + "s  %9s  %6s  %7d%n", classes.get(c), ratio(ev.precision(c)), ratio(ev.recall(c)), support(ev, c));
        }
        out.printf("%nconfusion matrix (rows: true class, columns: predicted)%n");
        int cell = 1;
        for (int[] r : ev.confusion()) {
            for (int v : r) {
                cell = Math.max(cell, Integer.toString(v).length());
            }
        }
        for (String name : classes) {
            cell = Math.max(cell, name.length());
        }
        StringBuilder header = new StringBuilder(" ".repeat(w));
        for (String name : classes) {
            header.append("  ").append(String.format("%" + cell + "s", name));
        }
        out.println(header);
        for (int c = 0; c < classes.size(); c++) {
            StringBuilder line = new StringBuilder(String.format("%-" + w + "s", classes.get(c)));
            for (int v : ev.confusion()[c]) {
                line.append("  ").append(String.format("%" + cell + "d", v));
            }
            out.println(line);
        }
    }

    private static int support(Evaluation ev, int c) {
        int n = 0;
        for (int v : ev.confusion()[c]) {
            n += v;
        }
        return n;
    }

    /** A share to four places; "-" when undefined (no rows predicted or present). */
    private static String ratio(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.4f", v);
    }
}
