package backprop.app;

import backprop.InputException;
import backprop.data.CsvOptions;
import backprop.data.DataOptions;
import backprop.data.ReadLimits;
import backprop.data.Task;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that name a data source: shared by train, evaluate, gradcheck and the Spark trainer. */
public final class DataArguments {
    @Option(names = "--data", paramLabel = "SOURCE",
            description = "digits, iris, xor, spirals, fashion-mnist, mnist, or a .csv file (default: ${DEFAULT-VALUE}).")
    String source = "digits";

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where to find fashion-mnist and mnist IDX files.")
    Path dataDir;

    @Option(names = "--target", paramLabel = "COLUMN", description = "The label column of a CSV, by name or 0-based index (default: the last).")
    String target;

    @Option(names = "--task", paramLabel = "classification|regression", description = "How a CSV target is read (default: inferred).")
    String task;

    @Option(names = "--max-rows", paramLabel = "N",
            description = "Refuse a CSV of more than N rows (default: as many as a third of the Java heap holds).")
    Long maxRows;

    @Option(names = "--max-bytes", paramLabel = "SIZE",
            description = "Refuse a CSV of more than SIZE bytes of text, after any decompression, such as 500m or 16g (default: 4g).")
    String maxBytes;

    /** What {@code --data} names: a built-in source or a path. */
    public String source() {
        return source;
    }

    /** The {@code --target} column, or null for the last; refused when blank, which names no column. */
    public String target() {
        Options.require(target == null || !target.isBlank(), "--target", "must name a column (a name or a 0-based index)",
                "'" + (target == null ? "" : InputException.clip(target)) + "'");
        return target;
    }

    /** Where to look for data and how to generate it, for {@code --data}, {@code --target} and {@code --task}. */
    public DataOptions options(long seed) {
        CsvOptions csv = CsvOptions.DEFAULTS.withTarget(target());
        Task t = task();
        return options(seed, t == null ? csv : csv.withTask(t));
    }

    /** The {@code --max-rows} and {@code --max-bytes} limits of a CSV read. */
    public ReadLimits limits() {
        Options.require(maxRows == null || maxRows >= 1, "--max-rows", "must be a number of rows, at least 1", maxRows);
        long bytes = maxBytes == null ? ReadLimits.DEFAULTS.maxBytes() : Options.choice("--max-bytes", maxBytes, ReadLimits::parseSize);
        return new ReadLimits(maxRows == null ? ReadLimits.DEFAULTS.maxRows() : maxRows, bytes);
    }

    /** The {@code --data-dir} folder, or null when not given. */
    public Path dataDir() {
        return dataDir;
    }

    /** Where to look for data and how to generate it, reading CSV files with {@code csv}. */
    public DataOptions options(long seed, CsvOptions csv) {
        DataOptions options = DataOptions.DEFAULTS.withEnvironment(System.getenv()).withSeed(seed).withCsv(csv.withLimits(limits()));
        return dataDir == null ? options : options.withDataDir(dataDir);
    }

    /** The task --task names, or null when not given. */
    public Task task() {
        return task == null ? null : Options.choice("--task", task, Task::of);
    }
}
