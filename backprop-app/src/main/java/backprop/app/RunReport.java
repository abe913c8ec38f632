package backprop.app;

import backprop.data.PreparedData;
import backprop.io.AtomicFiles;
import backprop.io.ModelFile;
import backprop.io.SavedModel;
import backprop.nn.Activation;
import backprop.nn.Linear;
import backprop.nn.Module;
import backprop.train.EpochMetrics;
import backprop.train.Evaluation;
import backprop.train.History;
import backprop.train.Objective;
import backprop.train.RegressionMetrics;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The files a training run writes about itself: metrics.json, the curves, and the provenance kept
 * in model.json; the same for {@code backprop train} and the Spark trainer of backprop-spark.
 */
public final class RunReport {
    /** The mapper of the commands' JSON output. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private RunReport() {}

    /**
     * The rows each epoch was scored on, as metrics.json and the curves name them: the validation
     * rows when the run has some (the test rows are then scored once, at the end), else the test rows.
     */
    private static String scoredEachEpochOn(Scores scores) {
        return scores.validation() != null ? "validation" : "test";
    }

    /**
     * The metrics object of docs/training.md, with the test set's confusion matrix for a
     * classification. Non-finite numbers become null: JSON has no NaN.
     */
    static ObjectNode metrics(String data, History history, Scores scores, Objective objective, long parameters) {
        Evaluation test = scores.test();
        ObjectNode m = JSON.createObjectNode();
        m.put("data", data);
        ArrayNode epochs = m.putArray("epochs");
        String heldOut = scoredEachEpochOn(scores) + "_";
        for (EpochMetrics e : history.epochs()) {
            ObjectNode o = epochs.addObject();
            o.put("epoch", e.epoch());
            number(o, "train_loss", e.trainLoss());
            if (objective.isClassification()) {
                number(o, "train_accuracy", e.trainAccuracy());
            }
            number(o, heldOut + "loss", e.testLoss());
            if (objective.isClassification()) {
                number(o, heldOut + "accuracy", e.testAccuracy());
            } else {
                number(o, heldOut + "rmse", e.testRmse() * scores.targetStd());
            }
            number(o, "seconds", e.seconds());
        }
        if (scores.validation() != null) {
            number(m, "validation_loss", scores.validation().loss());
            if (objective.isClassification()) {
                number(m, "validation_accuracy", scores.validation().accuracy());
            } else {
                number(m, "validation_rmse", scores.validation().rmse() * scores.targetStd());
            }
        }
        if (scores.bestEpoch() > 0) {
            m.put("best_epoch", scores.bestEpoch());
        }
        if (objective.isClassification()) {
            number(m, "test_accuracy", test.accuracy());
            boolean compared = comparesClasses(test);
            number(m, "test_balanced_accuracy", compared ? test.balancedAccuracy() : Double.NaN);
            number(m, "test_macro_f1", compared ? test.macroF1() : Double.NaN);
            // rows the true class, columns the predicted, in model.json's class order: the runs page shows it
            ArrayNode confusion = m.putArray("confusion");
            for (int[] row : test.confusion()) {
                ArrayNode r = confusion.addArray();
                for (int count : row) {
                    r.add(count);
                }
            }
        } else if (scores.regression() != null) {
            number(m, "test_rmse", scores.regression().rmse());
            number(m, "test_mae", scores.regression().mae());
            number(m, "test_r2", scores.regression().r2());
            number(m, "baseline_rmse", scores.regression().baselineRmse());
        } else {
            number(m, "test_rmse", test.rmse());
        }
        number(m, "test_loss", test.loss());
        number(m, "train_seconds", history.trainSeconds());
        number(m, "samples_per_second", history.samplesPerSecond());
        m.put("parameters", parameters);
        return m;
    }

    /** Program version, the full configuration (every option's value), seed, threads, data and metrics. */
    static ObjectNode provenance(CommandSpec spec, long seed, int threads, Source data, ObjectNode metrics) {
        ObjectNode p = JSON.createObjectNode();
        p.put("program", Version.text());
        p.put("created", Instant.now().toString());
        p.put("java", System.getProperty("java.version"));
        ObjectNode config = p.putObject("configuration");
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            Object value = option.getValue();
            config.put(option.longestName().replaceFirst("^--", ""), value == null ? null : String.valueOf(value));
        }
        p.put("seed", seed);
        p.put("threads", threads);
        ObjectNode d = p.putObject("data");
        d.put("source", data.source());
        d.put("sha256", data.sha256());
        d.put("held_out_split", data.heldOut());
        p.set("metrics", metrics.deepCopy().without(java.util.List.of("epochs")));
        return p;
    }

    /**
     * The data a run read, as its provenance records it.
     *
     * @param heldOut whether the test rows were split off the source by the seed and test fraction
     */
    public record Source(String source, String sha256, boolean heldOut) {
        /** The provenance of data read by core's {@link PreparedData}. */
        public static Source of(PreparedData data) {
            return new Source(data.source(), data.sha256(), data.heldOut());
        }
    }

    /**
     * How a finished run scored.
     *
     * @param test the test rows, scored once at the end
     * @param validation the validation rows the epochs were scored (and chosen) on, or null when the test rows were
     * @param regression a regression's errors on the test rows in the target's units, or null
     * @param targetStd the factor from the evaluations' RMSE to the target's units (the targets' standard
     *     deviation when they were standardized for training, else 1)
     * @param bestEpoch the epoch whose weights were kept (early stopping), or 0 for the last
     */
    public record Scores(Evaluation test, Evaluation validation, RegressionMetrics regression, double targetStd, int bestEpoch) {
        /** The scores of a run with test rows only. */
        public static Scores of(Evaluation test) {
            return new Scores(test, null, null, 1, 0);
        }
    }

    /** As {@link #finish(CommandSpec, Path, Path, PrintWriter, SavedModel, Source, long, int, History, Scores)} with test scores only. */
    public static void finish(CommandSpec spec, Path folder, Path metricsCopy, PrintWriter stdout, SavedModel model,
                              Source data, long seed, int threads, History history, Evaluation test) {
        finish(spec, folder, metricsCopy, stdout, model, data, seed, threads, history, Scores.of(test));
    }

    /**
     * Writes what a finished run leaves under {@code folder}: the model (with the run's provenance),
     * metrics.json (and its copy at {@code metricsCopy} unless null), the curves; then prints the
     * summary line to {@code stdout}.
     *
     * @param model the trained model; its provenance is replaced by the run's
     */
    public static void finish(CommandSpec spec, Path folder, Path metricsCopy, PrintWriter stdout, SavedModel model,
                              Source data, long seed, int threads, History history, Scores scores) {
        Evaluation test = scores.test();
        Objective objective = model.objective();
        ObjectNode metrics = metrics(data.source(), history, scores, objective, model.network().parameterCount());
        ObjectNode provenance = provenance(spec, seed, threads, data, metrics);
        ModelFile.save(folder, model.withProvenance(asMap(provenance)));
        writeMetrics(folder.resolve("metrics.json"), metrics);
        if (metricsCopy != null) {
            writeMetrics(metricsCopy, metrics);
        }
        Curves.write(history, objective.isClassification(), scoredEachEpochOn(scores),
                folder.resolve("curves.png"), folder.resolve("curves.svg"));
        if (objective.isClassification()) {
            stdout.printf("test accuracy %.4f (loss %.4f) after %s; %,.0f samples/s; model saved to %s%n",
                    test.accuracy(), test.loss(), epochs(history), history.samplesPerSecond(), folder);
        } else if (scores.regression() != null) {
            RegressionMetrics r = scores.regression();
            stdout.printf("test RMSE %.6g, MAE %.6g, R^2 %s (predicting the training mean: RMSE %.6g) after %s; %,.0f samples/s; model saved to %s%n",
                    r.rmse(), r.mae(), r2(r), r.baselineRmse(), epochs(history), history.samplesPerSecond(), folder);
        } else {
            stdout.printf("test RMSE %.6g (loss %.6g) after %s; %,.0f samples/s; model saved to %s%n",
                    test.rmse(), test.loss(), epochs(history), history.samplesPerSecond(), folder);
        }
    }

    /**
     * Whether {@code e}'s rows hold at least two classes, which balanced accuracy and macro F1 need
     * to mean what they say: over one class they are its recall and F1, a number that compares
     * nothing. Where they are false, the reports omit the two (null in JSON) and say why.
     *
     * @param e a classification's evaluation
     * @return true when two or more classes have rows
     */
    public static boolean comparesClasses(Evaluation e) {
        int present = 0;
        for (int[] row : e.confusion()) {
            present += java.util.Arrays.stream(row).sum() > 0 ? 1 : 0;
        }
        return present >= 2;
    }

    /**
     * R^2 as the summaries print it after its name, {@code 0.8123}, or why there is none: it compares the
     * errors with the targets' spread, and the targets of one row, or of rows all alike, have none.
     *
     * @param r a regression's metrics
     * @return the words for the summary line
     */
    public static String r2(RegressionMetrics r) {
        return Double.isFinite(r.r2()) ? "%.4f".formatted(r.r2())
                : "undefined (%s)".formatted(r.size() == 1 ? "one row" : "the " + r.size() + " rows' targets are all equal");
    }

    /**
     * The network as one line: the widths of its linear layers and its activations, as
     * {@code 64-32-10 relu}, for any network of the library's modules.
     *
     * @param network the network to describe
     * @return the widths joined by '-', then the activations' names, comma-separated
     */
    public static String describe(Module network) {
        List<String> widths = new ArrayList<>();
        Set<String> activations = new LinkedHashSet<>();
        for (Module m : network.modules()) {
            if (m instanceof Linear linear) {
                if (widths.isEmpty()) {
                    widths.add(Integer.toString(linear.inFeatures()));
                }
                widths.add(Integer.toString(linear.outFeatures()));
            }
            Activation.of(m).ifPresent(a -> activations.add(a.id()));
        }
        String layers = String.join("-", widths);
        String kinds = String.join(", ", activations);
        return layers.isEmpty() || kinds.isEmpty() ? layers + kinds : layers + " " + kinds;
    }

    /**
     * A JSON object as the plain Java values SavedModel keeps. Through text, not convertValue:
     * that runs through databind's TokenBuffer, which an older jackson-core first on Spark's class
     * path (hadoop-client-runtime's) breaks.
     */
    public static Map<String, Object> asMap(ObjectNode object) {
        try {
            return JSON.readValue(JSON.writeValueAsString(object), new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw new AssertionError("bug: a JSON tree must read back", e);
        }
    }

    /** The JSON tree of plain Java values (SavedModel's provenance), through text for the reason {@link #asMap} gives. */
    public static JsonNode asTree(Map<String, Object> values) {
        try {
            return JSON.readTree(JSON.writeValueAsString(values));
        } catch (JsonProcessingException e) {
            throw new AssertionError("bug: plain Java values must write as JSON and read back", e);
        }
    }

    private static String epochs(History history) {
        int n = history.epochs().size();
        return n == 1 ? "1 epoch" : n + " epochs";
    }

    /** Writes {@code metrics} atomically: UTF-8, indented for people, ending in a newline. */
    static void writeMetrics(Path file, ObjectNode metrics) {
        AtomicFiles.write(file, out -> {
            JSON.writerWithDefaultPrettyPrinter().writeValue(out, metrics);
            out.write('\n');
        });
    }

    /** Puts a number, or null when it is not finite: JSON has no NaN (evaluate --json uses it too). */
    public static void number(ObjectNode o, String name, double value) {
        if (Double.isFinite(value)) {
            o.put(name, value);
        } else {
            o.putNull(name);
        }
    }
}
