package backprop.app;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;

/** Where a training run's files go and how much it says on the way. Shared by train and the Spark trainer. */
public final class OutputArguments {
    @Option(names = "--out", paramLabel = "DIR", description = "Where the model, plots and metrics go (default: runs/<data>-<time>).")
    Path out;

    @Option(names = "--metrics", paramLabel = "FILE.json", description = "Also write the metrics object there.")
    Path metricsCopy;

    @Option(names = "--quiet", description = "No progress bars, just the final summary.")
    boolean quiet;

    /** {@code --out}, else {@code runs/<source>-<time>} with the source made a file name. */
    public Path folder(String source) {
        return out != null ? out : Path.of("runs", source.replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** Where to copy metrics.json too, or null. */
    public Path metricsCopy() {
        return metricsCopy;
    }

    public boolean quiet() {
        return quiet;
    }

    /** Sets {@code --out} and {@code --quiet}: a resumed run writes into its own folder, as quietly as asked now. */
    public void resume(Path folder, boolean quietNow) {
        out = folder;
        quiet = quietNow;
    }
}
