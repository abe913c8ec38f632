package backprop.app;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** Where a training run's files go and how much it says on the way. Shared by train and the Spark trainer. */
public final class OutputArguments {
    /** The run folder's subfolder where the training loop's checkpoint goes, and {@code --resume} finds it. */
    public static final String CHECKPOINT = "checkpoint";

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

    /**
     * The options a run was given, as they were typed and without {@code --quiet}: what its
     * checkpoint records, so that {@code --resume} needs nothing else.
     */
    public static List<String> recorded(CommandSpec spec) {
        List<String> args = new ArrayList<>();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            if (option.longestName().equals("--quiet")) {
                continue;
            }
            List<String> values = option.originalStringValues();
            if (values.isEmpty()) {
                args.add(option.longestName());
            }
            for (String value : values) {
                args.add(option.longestName());
                args.add(value);
            }
        }
        return args;
    }

    /** Sets {@code --out} and {@code --quiet}: a resumed run writes into its own folder, as quietly as asked now. */
    public void resume(Path folder, boolean quietNow) {
        out = folder;
        quiet = quietNow;
    }
}
