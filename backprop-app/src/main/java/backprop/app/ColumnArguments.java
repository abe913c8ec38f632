package backprop.app;

import backprop.data.ColumnChoice;
import backprop.data.Columns;
import backprop.data.DataSources;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which columns of a CSV file training reads and how (docs/training.md, "Columns"): a column
 * is named by its header name or 1-based position, {@code 2-5} is a range of positions.
 */
public final class ColumnArguments {
    @Option(names = "--features", paramLabel = "COLS", split = ",",
            description = "The input columns, by name or 1-based position, ranges allowed (default: all but the target, the id and --ignore's).")
    List<String> features;

    @Option(names = "--ignore", paramLabel = "COLS", split = ",", description = "Columns never read.")
    List<String> ignore = List.of();

    @Option(names = "--id", paramLabel = "COL", description = "An id column: kept beside predictions, never an input.")
    String id;

    @Option(names = "--categorical", paramLabel = "COLS", split = ",",
            description = "Encode these input columns as categories (one-hot) even when they hold numbers (codes).")
    List<String> categorical = List.of();

    @Option(names = "--impute", paramLabel = "mean|median",
            description = "Fill missing cells (empty, NA) of numeric inputs with the training split's mean or median (default: a missing number is an error).")
    String impute;

    /** Checks every value; a bad one is an {@link backprop.InputException} naming its flag. */
    public void validate(String source) {
        boolean any = features != null || !ignore.isEmpty() || id != null || !categorical.isEmpty() || impute != null;
        Options.require(!any || !DataSources.BUILTIN.contains(source), flag(), "takes a CSV file's columns, not a built-in data set's",
                "--data " + source);
        Options.require(features == null || (!features.isEmpty() && features.stream().noneMatch(String::isBlank)), "--features",
                "must name columns, separated by commas", "'" + (features == null ? "" : String.join(",", features)) + "'");
        Options.require(ignore.stream().noneMatch(String::isBlank), "--ignore", "must name columns, separated by commas",
                "'" + String.join(",", ignore) + "'");
        Options.require(categorical.stream().noneMatch(String::isBlank), "--categorical", "must name columns, separated by commas",
                "'" + String.join(",", categorical) + "'");
        Options.require(id == null || !id.isBlank(), "--id", "must name one column", "'" + id + "'");
        imputation();
    }

    /** What the options choose. */
    public ColumnChoice choice() {
        return new ColumnChoice(features, ignore, id, categorical, imputation());
    }

    private Columns.Impute imputation() {
        return impute == null ? null : Options.choice("--impute", impute, Columns.Impute::of);
    }

    /** The first column option given, to name in a message. */
    private String flag() {
        return features != null ? "--features" : !ignore.isEmpty() ? "--ignore" : id != null ? "--id"
                : !categorical.isEmpty() ? "--categorical" : "--impute";
    }
}
