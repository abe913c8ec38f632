package backprop.cli;

import backprop.InputException;
import backprop.app.RunReport;
import backprop.app.DataArguments;
import backprop.data.CsvOptions;
import backprop.data.DataOptions;
import backprop.data.DataSources;
import backprop.data.Dataset;
import backprop.data.LoadedData;
import backprop.data.PreparedData;
import backprop.data.Task;
import backprop.io.SavedModel;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A data source read for a saved model, as evaluate and gradcheck need it: features checked
 * against the model's (count; for a CSV, names, picked by name in the model's order), labels
 * mapped to the model's classes, standardized with the model's own standardizer (never refitted,
 * which would move the inputs the network learned on).
 *
 * <p>When the source is the one the model was trained on (the same SHA-256 as recorded in its
 * provenance) and training held out a test split, {@link #rows} recreates exactly that split
 * from the recorded seed and test fraction, so an evaluation agrees with the run's metrics.json.
 */
final class ModelData {
    /** Which rows: the model's test rows, its training rows, or every row of the source. */
    enum Split {
        TEST, TRAIN, ALL;

        static Split of(String id) {
            for (Split s : values()) {
                if (s.name().toLowerCase(Locale.ROOT).equals(id)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("must be test, train or all; got '" + id + "'");
        }
    }

    /**
     * Rows chosen for a command: one data set, or two for the train and test files of a source
     * that has both (so that neither is copied into a combined one).
     */
    record Rows(List<Dataset> parts, String description) {
        int size() {
            return parts.stream().mapToInt(Dataset::size).sum();
        }
    }

    private final String source;
    private final Dataset rows;
    private final Optional<Dataset> officialTest;
    private final boolean heldOut;
    private final long seed;
    private final double testFraction;
    private final List<String> warnings;
    private final String sha256;

    private ModelData(String source, Dataset rows, Optional<Dataset> officialTest, boolean heldOut, long seed, double testFraction,
                      List<String> warnings, String sha256) {
        this.warnings = warnings;
        this.source = source;
        this.rows = rows;
        this.officialTest = officialTest;
        this.heldOut = heldOut;
        this.seed = seed;
        this.testFraction = testFraction;
        this.sha256 = sha256;
    }

    /**
     * Reads the data for {@code model}. The source is {@code --data} when given, else the model's
     * training source; the CSV target is {@code --target} when given, else the training run's.
     *
     * @param sourceGiven whether {@code --data} was on the command line (its default names a data
     *     set, but the model's own is the better default here)
     */
    static ModelData load(Path modelDir, SavedModel model, DataArguments args, boolean sourceGiven) {
        JsonNode provenance = RunReport.asTree(model.provenance());
        JsonNode config = provenance.path("configuration");
        long seed = provenance.path("seed").asLong(1);
        String source = sourceGiven ? args.source() : trainingSource(modelDir, provenance);
        Task given = args.task();
        if (given != null && given != model.task()) {
            throw new InputException("--task: the model in " + modelDir + " is a " + model.task().id()
                    + " model; got " + given.id());
        }
        String target = args.target() != null ? args.target() : config.path("target").isTextual() ? config.path("target").asText() : null;
        if (args.target() == null && model.columns() != null && model.columns().target() != null) {
            target = model.columns().target();
        }
        CsvOptions csv = CsvOptions.DEFAULTS.withTarget(target).withTask(model.task()).withColumns(model.layout());
        if (model.task() == Task.CLASSIFICATION) {
            csv = csv.withClassNames(model.classes());
        }
        DataOptions options = args.options(seed, csv);
        // The training run's own source is looked for where training found it, unless told otherwise.
        if (args.dataDir() == null && !sourceGiven && config.path("data-dir").isTextual()) {
            options = options.withDataDir(Path.of(config.path("data-dir").asText()));
        }
        LoadedData loaded = DataSources.load(source, options);
        boolean csvFile = !DataSources.BUILTIN.contains(source);
        Dataset all = fit(model, loaded.train(), source, csvFile);
        Optional<Dataset> test = loaded.test().map(t -> fit(model, t, source, csvFile));
        boolean sameData = loaded.sha256().equals(provenance.path("data").path("sha256").asText(null));
        boolean heldOut = sameData && provenance.path("data").path("held_out_split").asBoolean(false);
        double testFraction = heldOut ? testFraction(modelDir, config) : Double.NaN;
        return new ModelData(loaded.source(), all, test, heldOut, seed, testFraction, loaded.warnings(), loaded.sha256());
    }

    /**
     * The rows as training data for fine-tuning {@code model}: already in its columns, classes
     * and standardizations, which stay the model's own (nothing is fitted again, since the weights
     * were learned on those). The source's own test split when it has one, else {@code testFraction}
     * of the rows split off by {@code seed}; then {@code validationFraction} of the training rows.
     */
    PreparedData forFineTuning(SavedModel model, double testFraction, double validationFraction, long seed) {
        backprop.data.Split split = officialTest.isPresent() ? new backprop.data.Split(rows, officialTest.get())
                : PreparedData.split(rows, testFraction, seed);
        Dataset train = split.train();
        Dataset validation = null;
        if (validationFraction > 0) {
            backprop.data.Split v = PreparedData.splitValidation(train, validationFraction, seed);
            train = v.train();
            validation = v.test();
        }
        return new PreparedData(train, split.test(), model.standardizer(), source, sha256, officialTest.isEmpty(), validation,
                model.columns(), model.targetStandardizer(), warnings);
    }

    /** What the user should hear about the reading: columns ignored, categories the model does not know. */
    List<String> warnings() {
        return warnings;
    }

    /** What the source was read as: a built-in name with details, or a file's absolute path. */
    String source() {
        return source;
    }

    /**
     * The rows for {@code split}; {@code null} means the test rows where the source has them (an
     * official test split, or the model's held-out split of its training data), else all rows.
     *
     * @throws InputException for test or train rows of a source that has no such split
     */
    Rows rows(Split split) {
        if (officialTest.isPresent()) {
            Dataset test = officialTest.get();
            return switch (split == null ? Split.TEST : split) {
                case TEST -> new Rows(List.of(test), "the source's test split (%,d rows)".formatted(test.size()));
                case TRAIN -> new Rows(List.of(rows), "the source's training split (%,d rows)".formatted(rows.size()));
                case ALL -> new Rows(List.of(rows, test), "all %,d rows (training and test splits)".formatted(rows.size() + test.size()));
            };
        }
        if (heldOut) {
            if (split == Split.ALL) {
                return new Rows(List.of(rows), "all %,d rows".formatted(rows.size()));
            }
            backprop.data.Split s = PreparedData.split(rows, testFraction, seed);
            String how = "seed %d, test fraction %s, as in training".formatted(seed, testFraction);
            return split == Split.TRAIN
                    ? new Rows(List.of(s.train()), "the training split (%,d of %,d rows; %s)".formatted(s.train().size(), rows.size(), how))
                    : new Rows(List.of(s.test()), "the held-out test split (%,d of %,d rows; %s)".formatted(s.test().size(), rows.size(), how));
        }
        if (split == Split.TEST || split == Split.TRAIN) {
            throw new InputException("--split " + split.name().toLowerCase(Locale.ROOT) + ": " + source
                    + " has no such split (it is not the model's training data, by its SHA-256, and has no test split of its own); use --split all");
        }
        return new Rows(List.of(rows), "all %,d rows".formatted(rows.size()));
    }

    /** The rows the model learned from where they are known, else every row. */
    Rows trainingRows() {
        return officialTest.isPresent() || heldOut ? rows(Split.TRAIN) : rows(Split.ALL);
    }

    /**
     * The training source from the model's provenance: a built-in name as given to train, or the
     * absolute path of the CSV file it read.
     */
    private static String trainingSource(Path modelDir, JsonNode provenance) {
        String given = provenance.path("configuration").path("data").asText("");
        if (DataSources.BUILTIN.contains(given)) {
            return given;
        }
        String read = provenance.path("data").path("source").asText("");
        if (!read.isEmpty() && !DataSources.BUILTIN.contains(read.split(" ", 2)[0])) {
            return read;
        }
        throw new InputException("--data: required, since the model in " + modelDir
                + " does not record the data it was trained on; got none");
    }

    private static double testFraction(Path modelDir, JsonNode config) {
        double fraction;
        try {
            fraction = Double.parseDouble(config.path("test-fraction").asText("0.2"));
        } catch (NumberFormatException e) {
            fraction = Double.NaN;
        }
        // the split is made again from it, so it must be one train could have used
        if (!(fraction > 0 && fraction < 1)) {
            throw InputException.inFile(modelDir.resolve("model.json"), "field 'provenance.configuration.test-fraction' must be a number"
                    + " between 0 and 1, as train takes it; got " + InputException.clip(String.valueOf(config.get("test-fraction"))));
        }
        return fraction;
    }

    /** The data as the model reads it: its features in its order, its classes, its standardization. */
    private static Dataset fit(SavedModel model, Dataset data, String source, boolean csvFile) {
        List<String> features = model.features();
        if (data.task() != model.task()) {
            throw new InputException(source + ": is " + data.task().id() + " data; the model is a " + model.task().id() + " model");
        }
        if (csvFile) {
            data = pickColumns(data, features, source);
        } else if (data.numFeatures() != features.size()) {
            throw new InputException(source + ": has " + data.numFeatures() + " features; the model expects "
                    + features.size() + " (" + abbreviate(features) + ")");
        }
        if (model.task() == Task.CLASSIFICATION && !data.classNames().equals(model.classes())) {
            data = mapClasses(data, model.classes(), source);
        }
        data = model.standardizer() == null ? data : model.standardizer().transform(data);
        if (model.targetStandardizer() != null) {
            // The network was trained on standardized targets: its loss is comparable only on those.
            data = Dataset.regression(data.features(), data.numFeatures(), model.targetStandardizer().transform(data.targets()),
                    data.featureNames());
        }
        return data;
    }

    /** The model's feature columns by name, in the model's order; other columns are dropped. */
    private static Dataset pickColumns(Dataset data, List<String> features, String source) {
        if (data.featureNames().equals(features)) {
            return data;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int j = 0; j < data.numFeatures(); j++) {
            index.put(data.featureNames().get(j), j);
        }
        List<String> missing = features.stream().filter(f -> !index.containsKey(f)).toList();
        if (!missing.isEmpty()) {
            throw new InputException(source + ": has no column" + (missing.size() > 1 ? "s " : " ") + abbreviate(missing)
                    + "; the model reads the features " + abbreviate(features) + " (found " + abbreviate(data.featureNames()) + ")");
        }
        int d = data.numFeatures();
        float[] x = data.features();
        float[] picked = new float[data.size() * features.size()];
        for (int i = 0; i < data.size(); i++) {
            for (int j = 0; j < features.size(); j++) {
                picked[i * features.size() + j] = x[i * d + index.get(features.get(j))];
            }
        }
        return data.task() == Task.CLASSIFICATION
                ? Dataset.classification(picked, features.size(), data.labels(), features, data.classNames())
                : Dataset.regression(picked, features.size(), data.targets(), features);
    }

    /** Relabels built-in data whose classes are listed differently from the model's. */
    private static Dataset mapClasses(Dataset data, List<String> classes, String source) {
        int[] to = new int[data.numClasses()];
        for (int k = 0; k < to.length; k++) {
            to[k] = classes.indexOf(data.classNames().get(k));
        }
        int[] labels = data.labels();
        for (int i = 0; i < labels.length; i++) {
            if (to[labels[i]] < 0) {
                throw new InputException(source + ": row " + (i + 1) + ": label '" + data.classNames().get(labels[i])
                        + "' is not a class the model knows; expected one of " + String.join(", ", classes));
            }
            labels[i] = to[labels[i]];
        }
        return Dataset.classification(data.features(), data.numFeatures(), labels, data.featureNames(), classes);
    }

    private static String abbreviate(List<String> names) {
        List<String> shown = new ArrayList<>(names.subList(0, Math.min(8, names.size())));
        if (names.size() > shown.size()) {
            shown.add("... (" + names.size() + " in all)");
        }
        return String.join(", ", shown);
    }
}
