package backprop.spark;

import backprop.InputException;
import backprop.app.DataArguments;
import backprop.app.InitModelArguments;
import backprop.app.ExitStatus;
import backprop.app.ModelArguments;
import backprop.app.Options;
import backprop.app.OutputArguments;
import backprop.app.PreparationArguments;
import backprop.app.Progress;
import backprop.app.RunReport;
import backprop.app.TrainingArguments;
import backprop.data.DataSources;
import backprop.data.PreparedData;
import backprop.data.Task;
import backprop.io.Checkpoint;
import backprop.io.SavedModel;
import backprop.nn.Module;
import backprop.optim.OptimizerSpec;
import backprop.tensor.DType;
import backprop.train.Evaluation;
import backprop.train.History;
import backprop.train.Objective;
import backprop.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop train} on Spark, the main class {@code spark-submit} runs: the same options and
 * the same files under {@code --out} (model.json, model.safetensors, metrics.json, curves), so that
 * {@code backprop evaluate} and {@code predict} use the model as any other. {@code --data} is a
 * built-in name (read on the driver) or a CSV or Parquet path Spark reads.
 */
@Command(name = "backprop-spark-train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a network data-parallel on Spark, evaluates it on held-out data and saves it.",
            "Takes the options of backprop train, and --data may be any CSV or Parquet path Spark reads.",
            "Exit status: 0 success; 1 the run diverged; 2 bad input or usage."})
public final class SparkTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataArguments data;

    @Option(names = "--test-data", paramLabel = "PATH", description = "Held-out rows from their own CSV or Parquet path (default: split off --data).")
    String testData;

    @Mixin
    PreparationArguments preparation;

    @Mixin
    ModelArguments model;

    @Mixin
    TrainingArguments training;

    @Mixin
    InitModelArguments initModel;

    @Option(names = "--partitions", paramLabel = "N", description = "Spread the rows over N partitions (default: as read, or Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--average-every", paramLabel = "K",
            description = "0: one synchronous gradient step per batch; K > 0: K local steps per partition between model averagings (default: ${DEFAULT-VALUE}).")
    int averageEvery = 0;

    @Mixin
    OutputArguments output;

    @Option(names = "--checkpoint", paramLabel = "LOCATION",
            description = "Where the checkpoint goes after every epoch: a local folder or a Hadoop file system URI (file://, hdfs://, ...) (default: <out>/checkpoint).")
    String checkpoint;

    @Option(names = "--resume", paramLabel = "DIR|LOCATION",
            description = "Continue a run (killed or stopped) after its last finished epoch, with its own options: its folder, or its --checkpoint location.")
    String resume;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;

    /** Runs under {@code spark-submit} (or any JVM with Spark): the session's master comes from its configuration. */
    public static void main(String[] args) {
        quietSparkDefaults();
        SparkSession spark = SparkSession.builder().appName("backprop train").getOrCreate();
        int status;
        try {
            status = run(args);
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    /**
     * Spark's default logging prints hundreds of INFO lines around a clean run's few lines of its
     * own: where the user configured no logging of their own, warnings and errors only
     * (log4j2-quiet.properties beside this class), so that real problems still show.
     */
    static void quietSparkDefaults() {
        if (System.getProperty("log4j2.configurationFile") != null
                || !(org.apache.logging.log4j.LogManager.getContext(false) instanceof org.apache.logging.log4j.core.LoggerContext context)) {
            return;
        }
        String location = context.getConfiguration().getConfigurationSource().getLocation();
        if (location == null || location.endsWith("org/apache/spark/log4j2-defaults.properties")) {
            try {
                context.setConfigLocation(SparkTrainCommand.class.getResource("log4j2-quiet.properties").toURI());
            } catch (java.net.URISyntaxException e) {
                throw new AssertionError("a resource of this jar has a URI", e);
            }
        }
    }

    /** Runs the command line on the active Spark session and returns the exit status (for tests). */
    public static int run(String... args) {
        return ExitStatus.configure(new CommandLine(new SparkTrainCommand())).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (resume == null) {
                validate();
                return train(SparkSession.active(), null, OutputArguments.recorded(spec), stdout, err);
            }
            Configuration hadoop = SparkSession.active().sparkContext().hadoopConfiguration();
            // a run folder holds its checkpoint unless the run was given --checkpoint, whose location is then what resumes
            boolean folder = !CheckpointStore.isUri(resume)
                    && CheckpointStore.exists(Path.of(resume).resolve(OutputArguments.CHECKPOINT).toString(), hadoop);
            Checkpoint.Saved saved = CheckpointStore.load(folder ? Path.of(resume).resolve(OutputArguments.CHECKPOINT).toString() : resume, hadoop);
            SparkTrainCommand original = new SparkTrainCommand();
            new CommandLine(original).parseArgs(saved.arguments().toArray(String[]::new));
            original.output.resume(folder ? Path.of(resume) : original.output.folder(original.data.source()), output.quiet());
            original.validate();
            return original.train(SparkSession.active(), saved, saved.arguments(), stdout, err);
        } catch (Exception e) {
            throw asInputException(e);
        }
    }

    /**
     * Trains from scratch ({@code saved} null) or on from a checkpoint, writing a checkpoint after
     * every epoch on the driver, and writes the run's files.
     */
    private int train(SparkSession spark, Checkpoint.Saved saved, List<String> arguments, PrintWriter stdout, PrintWriter err)
            throws Exception {
        SavedModel start = initModel.load();
        if (start == null) {
            new JitWarmup(model.architecture(1, 10), training.optimizerSpec())
                    .startWhereTasksRun(JavaSparkContext.fromSparkContext(spark.sparkContext()), averageEvery == 0);
        }
        SparkData rows = read(spark, start);
        try {
            Objective objective = start != null ? start.objective() : model.objective(rows.task(), rows.numClasses());
            Module network = start != null ? start.network()
                    : model.architecture(rows.numFeatures(), objective.outputs(rows.numClasses()))
                            .build(DType.FLOAT32, new SplittableRandom(model.seed()), new SplittableRandom(model.seed()));
            network.train();
            SparkTrainer trainer = new SparkTrainer(network, objective, OptimizerFactory.of(training.optimizerSpec()),
                    training.trainingOptions(model.seed(), rows.trainSize()), averageEvery);

            Path folder = output.folder(data.source());
            List<TrainingListener> listeners = new ArrayList<>();
            if (!output.quiet()) {
                err.printf("backprop: %s, %,d training and %,d test rows in %d partitions, %d features; network %s, %,d parameters; Spark %s, %s%n",
                        rows.source(), rows.trainSize(), rows.testSize(), rows.train().getNumPartitions(), rows.numFeatures(),
                        RunReport.describe(network), network.parameterCount(), spark.sparkContext().master(),
                        averageEvery == 0 ? "synchronous steps" : "model averaging every " + averageEvery + " local steps");
                listeners.add(new Progress(err, objective.isClassification()));
            }
            training.earlyStopping().ifPresent(listeners::add);
            String location = checkpoint != null ? checkpoint : folder.resolve(OutputArguments.CHECKPOINT).toString();
            listeners.add(CheckpointStore.writer(location, network, trainer.optimizer(), arguments, spark.sparkContext().hadoopConfiguration()));
            History previous = new History();
            if (saved != null) {
                saved.restore(network, trainer.optimizer(), CheckpointStore.named(location));
                previous = saved.history();
                if (!output.quiet()) {
                    err.printf("backprop: resuming %s after epoch %d of %d%n", folder, previous.epochs().size(), training.epochs());
                }
            }
            History history = trainer.fit(rows, previous, listeners);
            Evaluation test = trainer.evaluate(rows.test());
            int cores = spark.sparkContext().defaultParallelism();
            RunReport.finish(spec, folder, output.metricsCopy(), stdout, new SavedModel(network, objective, rows.task(),
                    rows.featureNames(), rows.classNames(), rows.standardizer(), null,
                    start == null ? null : start.columns(), start == null ? null : start.targetStandardizer()),
                    new RunReport.Source(rows.source(), "", false), model.seed(), cores, history, test);
            return 0;
        } finally {
            rows.unpersist();
        }
    }

    /** The training and test rows: a built-in source read on the driver as backprop train reads it, or a path Spark reads. */
    private SparkData read(SparkSession spark, SavedModel start) throws Exception {
        String source = data.source();
        PreparedData.Standardize scale = preparation.standardize();
        if (DataSources.BUILTIN.contains(source)) {
            Options.require(testData == null, "--test-data", "is for data read by Spark; a built-in source brings its own split", testData);
            Options.require(start == null, "--init-model", "fine-tunes on data read by Spark (a CSV or Parquet path); got the built-in", source);
            PreparedData prepared = PreparedData.prepare(source, data.options(model.seed()), preparation.testFraction(), scale);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int n = partitions != null ? partitions : sc.defaultParallelism();
            return SparkData.of(sc, prepared.train(), prepared.test(), n, prepared.standardizer(), prepared.source());
        }
        Task task = start != null ? start.task() : data.task();
        FrameData.Reading reading = new FrameData.Reading(source, data.target(), task,
                start == null ? null : start.classes(), scale != PreparedData.Standardize.NO,
                start == null ? null : start.standardizer(), start == null ? null : start.features());
        try {
            return FrameData.of(frame(spark, source), testData == null ? null : frame(spark, testData), preparation.testFraction(),
                    model.seed(), reading);
        } catch (Exception e) {
            // Spark names neither the line nor the column of a bad row: the local file's are found as backprop train finds them
            throw FrameData.explained(e, data.options(model.seed()).csv(), source, testData);
        }
    }

    /** The rows at {@code path}: Parquet for a .parquet path or folder, CSV with a header otherwise. */
    private Dataset<Row> frame(SparkSession spark, String path) {
        Dataset<Row> frame = path.toLowerCase(Locale.ROOT).endsWith(".csv") || path.toLowerCase(Locale.ROOT).endsWith(".csv.gz")
                ? spark.read().option("header", true).option("inferSchema", true).option("mode", "FAILFAST").csv(path)
                : spark.read().parquet(path);
        return partitions == null ? frame : frame.repartition(partitions);
    }

    private void validate() {
        training.validate();
        model.validate();
        Options.require(model.dtype() == DType.FLOAT32, "--dtype", "Spark training exchanges float32 weights; use float32", model.dtype());
        preparation.validate();
        Options.require(partitions == null || partitions >= 1, "--partitions", "must be a whole number >= 1", partitions);
        Options.require(averageEvery >= 0, "--average-every", "must be a whole number >= 0", averageEvery);
    }

    /**
     * Bad input found on an executor reaches the driver wrapped in Spark's exceptions; it is
     * still bad input, and a missing path is too.
     */
    private static Exception asInputException(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputException input) {
                return input;
            }
            if (t instanceof AnalysisException a) {
                return new InputException(a.getMessage());
            }
        }
        return e;
    }
}
