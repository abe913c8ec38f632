package backprop.data;

import java.util.Optional;

/**
 * A data source as loaded, with what a model file records about where it came from.
 *
 * @param train  the training rows (all rows, when the source has no test split)
 * @param test   the official test rows, if the source has them (fashion-mnist, mnist); otherwise
 *               the trainer holds out a share of {@code train} with {@link Split}
 * @param source what was loaded: the built-in name with, for generated data, how it was generated
 *               and the seed; for a file, its absolute path
 * @param sha256 SHA-256 (lower-case hex) of the bytes read: of a file as stored; of an IDX data
 *               set's four files concatenated (train images, train labels, test images, test labels);
 *               of a built-in resource as shipped; of generated data, of its features (float32) then
 *               its labels (int32), both little-endian
 * @param columns the table layout a CSV file's features were encoded by (every category the file
 *               has, missing numbers as NaN), to be fitted on the training split; null for the
 *               other sources, whose features are numbers already
 * @param warnings what the user should hear about the reading (columns ignored, say); never null
 */
public record LoadedData(Dataset train, Optional<Dataset> test, String source, String sha256, Columns columns,
                         java.util.List<String> warnings) {
    /**
     * Data whose features are numbers already, with nothing to warn about.
     *
     * @param train the training rows
     * @param test the test rows if any
     * @param source what was loaded
     * @param sha256 the digest of what was read
     */
    public LoadedData(Dataset train, Optional<Dataset> test, String source, String sha256) {
        this(train, test, source, sha256, null, java.util.List.of());
    }

    /**
     * Checks that the data sets are given.
     *
     * @param train the training rows; not null
     * @param test the test rows if any; not null, empty when there are none
     * @param source what was loaded
     * @param sha256 the digest of what was read
     * @param columns the layout a CSV file's features were encoded by, or null
     * @param warnings what the user should hear about the reading
     * @throws NullPointerException if {@code train} or {@code test} is null
     */

    public LoadedData {

        java.util.Objects.requireNonNull(train, "LoadedData: train");
        java.util.Objects.requireNonNull(test, "LoadedData: test");
        warnings = java.util.List.copyOf(warnings);
    }
}
