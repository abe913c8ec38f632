package backprop.data;

import java.util.List;

/**
 * Rows of a table read for a model's prediction by {@link CsvReader#readInputs}: the encoded
 * features, and the columns kept as text to print beside each prediction.
 *
 * @param features {@code rows x featureNames.size()} values, row-major, encoded by the model's
 *     column layout (not yet standardized); not copied
 * @param rows the number of rows
 * @param featureNames the features' names
 * @param keptNames the kept columns' names: the id column, or every column of the file
 * @param kept per row, the kept columns' cells as the file has them
 * @param warnings what the user should hear about: columns ignored, categories the model does not know
 */
public record EncodedRows(float[] features, int rows, List<String> featureNames, List<String> keptNames,
                          List<List<String>> kept, List<String> warnings) {
    /**
     * Copies the lists (not the features).
     *
     * @param features the encoded features, row-major
     * @param rows the number of rows
     * @param featureNames the features' names
     * @param keptNames the kept columns' names
     * @param kept per row, the kept cells
     * @param warnings what the user should hear about
     */
    public EncodedRows {
        featureNames = List.copyOf(featureNames);
        keptNames = List.copyOf(keptNames);
        kept = List.copyOf(kept);
        warnings = List.copyOf(warnings);
    }

    /**
     * {@return row {@code i}'s features, a copy}
     *
     * @param i the row, from 0
     */
    public float[] row(int i) {
        int d = featureNames.size();
        return java.util.Arrays.copyOfRange(features, i * d, (i + 1) * d);
    }
}
