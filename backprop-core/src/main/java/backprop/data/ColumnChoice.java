package backprop.data;

import static backprop.internal.Checks.require;

import java.util.List;

/**
 * Which columns of a CSV file training reads, and how. A column is named by its header name or
 * by its 1-based position; {@code 3-5} is the columns at positions 3, 4 and 5. A name wins over
 * the same text read as a position.
 *
 * @param features the input columns, or null for every column but the target, the id and the ignored ones
 * @param ignore columns never read
 * @param id the id column (kept beside predictions, never an input), or null
 * @param categorical input columns to encode as categories even when every cell is a number
 *     (numeric codes); a column with a cell that is not a number is categorical anyway
 * @param impute how to fill missing cells of numeric inputs, or null when a missing cell is an error
 */
public record ColumnChoice(List<String> features, List<String> ignore, String id, List<String> categorical,
                           Columns.Impute impute) {
    /** Every column but the target an input, none categorical unless it holds text, no imputation. */
    public static final ColumnChoice DEFAULTS = new ColumnChoice(null, List.of(), null, List.of(), null);

    /**
     * Copies the lists.
     *
     * @param features the input columns, or null for all but the target, the id and the ignored ones
     * @param ignore columns never read; not null
     * @param id the id column, or null
     * @param categorical columns to encode as categories; not null
     * @param impute how to fill missing numbers, or null
     * @throws IllegalArgumentException if {@code ignore} or {@code categorical} is null, or {@code id} is blank
     */
    public ColumnChoice {
        require(ignore != null && categorical != null, "ColumnChoice: ignore and categorical must be given (empty for none)");
        require(id == null || !id.isBlank(), "ColumnChoice: id must be null or a column; got '%s'", id);
        features = features == null ? null : List.copyOf(features);
        ignore = List.copyOf(ignore);
        categorical = List.copyOf(categorical);
    }
}
