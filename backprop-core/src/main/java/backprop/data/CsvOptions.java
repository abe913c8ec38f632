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
 */
public record CsvOptions(String target, Task task, List<String> classNames) {
    /** Last column, task inferred, classes from the file. */
    public static final CsvOptions DEFAULTS = new CsvOptions(null, null, List.of());

    /**
     * Checks the options and copies {@code classNames}.
     *
     * @param target null, or a non-blank header name or index
     * @param task null, or the task; not regression when class names are given
     * @param classNames the known classes, possibly none; not null
     * @throws IllegalArgumentException
 if {@code target} is blank, or class names are given for
     *     a regression task
     */
    public CsvOptions {
        require(target == null || !target.isBlank(), "CsvOptions: target must be null or a non-blank name or index; got '%s'", target);
        classNames = List.copyOf(classNames);
        require(classNames.isEmpty() || task != Task.REGRESSION, "CsvOptions: class names given for a regression task");
    }

    /**
     * @param target a header name or 0-based index; {@code null} for the last column
     * @return these options with {@code target} replaced
     */
    public CsvOptions withTarget(String target) {
        return new CsvOptions(target, task, classNames);
    }

    /**
     * @param task how to read the target; {@code null} to infer it
     * @return these options with {@code task} replaced
     */
    public CsvOptions withTask(Task task) {
        return new CsvOptions(target, task, classNames);
    }

    /**
     * @param classNames the known classes in label order; empty to take them from the file
     * @return these options with {@code classNames} replaced
     */
    public CsvOptions withClassNames(List<String> classNames) {

        return new CsvOptions(target, task, classNames);
    }
}
