package backprop.data;

import static backprop.internal.Checks.require;

import java.util.List;

/**
 * How {@link CsvReader} reads a labelled CSV.
 *
 * @param target     the target column: a header name, or a 0-based index when no column has
 *                   that name; {@code null} for the last column
 * @param task       how to read the target; {@code null} to infer it (see {@link CsvReader})
 * @param classNames the classes a model already knows, in label order, so that label {@code k}
 *                   means the same class as in training; a label outside them is an input
 *                   error. Empty to take the classes from the file (sorted).
 * @param choice     which columns are inputs, which is the id, which are categorical, how missing
 *                   numbers are filled: for training; ignored when {@code columns} is given
 * @param columns    a model's fitted column layout: the file is read and encoded by it, the
 *                   columns found by name (the target by its recorded name unless {@code target}
 *                   is given); null to choose the columns by {@code choice}
 */
public record CsvOptions(String target, Task task, List<String> classNames, ColumnChoice choice, Columns columns,
                         ReadLimits limits) {
    /** Last column, task inferred, classes from the file, every other column an input, {@link ReadLimits#DEFAULTS}. */
    public static final CsvOptions DEFAULTS = new CsvOptions(null, null, List.of(), ColumnChoice.DEFAULTS, null);

    /**
     * Options with {@link ReadLimits#DEFAULTS}.
     *
     * @param target null, or a non-blank header name or index
     * @param task null, or the task; not regression when class names are given
     * @param classNames the known classes, possibly none; not null
     * @param choice which columns to read, for training; not null
     * @param columns a model's fitted layout, or null
     */
    public CsvOptions(String target, Task task, List<String> classNames, ColumnChoice choice, Columns columns) {
        this(target, task, classNames, choice, columns, ReadLimits.DEFAULTS);
    }

    /**
     * Options that choose every column but the target as an input.
     *
     * @param target null, or a non-blank header name or index
     * @param task null, or the task; not regression when class names are given
     * @param classNames the known classes, possibly none; not null
     */
    public CsvOptions(String target, Task task, List<String> classNames) {
        this(target, task, classNames, ColumnChoice.DEFAULTS, null);
    }

    /**
     * Checks the options and copies {@code classNames}.
     *
     * @param target null, or a non-blank header name or index
     * @param task null, or the task; not regression when class names are given
     * @param classNames the known classes, possibly none; not null
     * @param choice which columns to read, for training; not null
     * @param columns a model's fitted layout, or null
     * @param limits how much a read may take; not null
     * @throws IllegalArgumentException
 if {@code target} is blank, or class names are given for
     *     a regression task
     */
    public CsvOptions {
        require(target == null || !target.isBlank(), "CsvOptions: target must be null or a non-blank name or index; got '%s'", target);
        classNames = List.copyOf(classNames);
        require(limits != null, "CsvOptions: limits must be given (ReadLimits.DEFAULTS)");
        require(choice != null, "CsvOptions: choice must be given (ColumnChoice.DEFAULTS for every column)");
        require(classNames.isEmpty() || task != Task.REGRESSION, "CsvOptions: class names given for a regression task");
    }

    /**
     * @param target a header name or 0-based index; {@code null} for the last column
     * @return these options with {@code target} replaced
     */
    public CsvOptions withTarget(String target) {
        return new CsvOptions(target, task, classNames, choice, columns, limits);
    }

    /**
     * @param task how to read the target; {@code null} to infer it
     * @return these options with {@code task} replaced
     */
    public CsvOptions withTask(Task task) {
        return new CsvOptions(target, task, classNames, choice, columns, limits);
    }

    /**
     * @param classNames the known classes in label order; empty to take them from the file
     * @return these options with {@code classNames} replaced
     */
    public CsvOptions withClassNames(List<String> classNames) {

        return new CsvOptions(target, task, classNames, choice, columns, limits);
    }

    /**
     * @param choice which columns to read and how
     * @return these options with {@code choice} replaced
     */
    public CsvOptions withChoice(ColumnChoice choice) {
        return new CsvOptions(target, task, classNames, choice, columns, limits);
    }

    /**
     * @param columns a model's fitted layout to read the file by, or null
     * @return these options with {@code columns} replaced
     */
    public CsvOptions withColumns(Columns columns) {
        return new CsvOptions(target, task, classNames, choice, columns, limits);
    }

    /**
     * @param limits how many rows and bytes a read may take
     * @return these options with {@code limits} replaced
     */
    public CsvOptions withLimits(ReadLimits limits) {
        return new CsvOptions(target, task, classNames, choice, columns, limits);
    }
}
