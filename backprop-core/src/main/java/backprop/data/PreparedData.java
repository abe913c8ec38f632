package backprop.data;

import backprop.InputException;
import backprop.internal.Checks;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A data source made ready for training: split into train and test (the source's own split
 * when it has one, else a seeded stratified or shuffled split), a validation share split off the
 * training rows when asked for, and every preprocessing step fitted on the training rows alone
 * (never on validation or test rows), in this order:
 * <ol>
 *   <li>a CSV file's column layout ({@link Columns#fit}): categories and fills of missing numbers;</li>
 *   <li>the features' standardization ({@link Standardizer});</li>
 *   <li>for regression, the targets' standardization, so that the network's outputs are of
 *       order 1 whatever the target's units (predictions are transformed back).</li>
 * </ol>
 *
 * @param train the rows to train on, standardized when {@code standardizer} is not null
 * @param test the rows to evaluate on, standardized with the training rows' statistics
 * @param standardizer the fitted standardization, or null when inputs are used as they are
 * @param source what was loaded, as {@link LoadedData#source()}
 * @param sha256 the digest of what was loaded, as {@link LoadedData#sha256()}
 * @param heldOut true when the test set was split off the source here (so an evaluation that
 *     wants the same rows must split again with the same seed and fraction)
 * @param validation the rows to choose the epoch by (early stopping), split off the training rows
 *     and prepared like them; null when none were asked for
 * @param columns a CSV file's column layout fitted on the training rows; null for other sources
 * @param targetStandardizer for regression, the targets' standardization fitted on the training
 *     rows (one column), which {@code train}, {@code validation} and {@code test} are in; null for classification
 * @param warnings what the user should hear about the reading (as {@link LoadedData#warnings()})
 */
public record PreparedData(Dataset train, Dataset test, Standardizer standardizer, String source, String sha256,
                           boolean heldOut, Dataset validation, Columns columns, Standardizer targetStandardizer,
                           java.util.List<String> warnings) {
    /**
     * Copies the warnings.
     *
     * @param train the training rows
     * @param test the test rows
     * @param standardizer the features' standardization, or null
     * @param source what was loaded
     * @param sha256 the digest of what was loaded
     * @param heldOut whether the test rows were split off here
     * @param validation the validation rows, or null
     * @param columns the fitted column layout, or null
     * @param targetStandardizer the targets' standardization, or null
     * @param warnings what the user should hear about the reading
     */
    public PreparedData {
        warnings = java.util.List.copyOf(warnings);
    }

    /** Whether to standardize the features. */
    public enum Standardize {
        /**
         * Yes, except for the image sources ({@link DataSources#IMAGES}), whose pixels already share
         * one scale. Standardizing each pixel on its own blows the near-constant border pixels up
         * into large inputs wherever a stroke touches them: on digits, over seeds 1-20 with the
         * default network, raw pixels reach a mean test accuracy of 0.961 against 0.953 standardized.
         */
        AUTO,
        /** Always, with a mean and standard deviation per feature fitted on the training rows. */
        YES,
        /** Never: the features are used as the source has them. */
        NO;

        /**
         * {@return the choice named {@code id}}
         *
         * @param id {@code auto}, {@code yes} or {@code no}, lower case (as the command line takes it)
         * @throws IllegalArgumentException for any other string
         */
        public static Standardize of(String id) {
            for (Standardize s : values()) {
                if (s.name().toLowerCase(Locale.ROOT).equals(id)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("must be auto, yes or no; got '" + id + "'");
        }
    }

    /** Salt that keeps the split's random stream apart from the initialization's, both drawn from one seed. */
    private static final long SPLIT_STREAM = 0x5EED_5EED_5EED_5EEDL;

    /**
     * Loads {@code source} and prepares it; {@code options.seed()} fixes generated data and the split.
     *
     * @param source a built-in name or a CSV file's path, as {@link DataSources#load} takes it
     * @param options where to look for files, the seed, how to read a CSV
     * @param testFraction the share of rows held out for testing when the source has no test
     *     split, in {@code (0, 1)}
     * @param standardize whether to standardize the features
     * @return the split, standardized data and where it came from
     * @throws IllegalArgumentException if {@code testFraction} is out of range
     * @throws backprop.InputException for any problem loading the source
     */
    public static PreparedData prepare(String source, DataOptions options, double testFraction, Standardize standardize) {
        return prepare(source, options, testFraction, 0, standardize);
    }

    /** Salt that keeps the validation split's random stream apart from the test split's. */
    private static final long VALIDATION_STREAM = 0x7A11_D0_7A11_D0L;

    /**
     * As {@link #prepare(String, DataOptions, double, Standardize)}, with a share of the training
     * rows held out for validation (stratified for classes, from the seed).
     *
     * @param source a built-in name or a CSV file's path, as {@link DataSources#load} takes it
     * @param options where to look for files, the seed, how to read a CSV
     * @param testFraction the share of rows held out for testing when the source has no test
     *     split, in {@code (0, 1)}
     * @param validationFraction the share of the training rows held out for validation, in
     *     {@code [0, 1)}; 0 for none
     * @param standardize whether to standardize the features
     * @return the split, prepared data and where it came from
     * @throws IllegalArgumentException if a fraction is out of range
     * @throws backprop.InputException for any problem loading the source
     */
    public static PreparedData prepare(String source, DataOptions options, double testFraction, double validationFraction,
                                       Standardize standardize) {
        Checks.require(testFraction > 0 && testFraction < 1, "test fraction must be in (0, 1); got %s", testFraction);
        Checks.require(validationFraction >= 0 && validationFraction < 1, "validation fraction must be in [0, 1); got %s",
                validationFraction);
        LoadedData loaded = DataSources.load(source, options);
        Dataset train = loaded.train();
        Dataset test;
        boolean heldOut = loaded.test().isEmpty();
        if (heldOut) {
            requireSplittable(source, train, "a test set");
            Split split = split(train, testFraction, options.seed());
            train = split.train();
            test = split.test();
        } else {
            test = loaded.test().get();
        }
        Dataset validation = null;
        if (validationFraction > 0) {
            requireSplittable(source, train, "a validation set (--validation-split)");
            Split split = splitValidation(train, validationFraction, options.seed());
            train = split.train();
            validation = split.test();
        }
        Columns columns = null;
        if (loaded.columns() != null) {
            columns = loaded.columns().fit(train, options.csv().choice().impute());
            train = columns.transform(train, loaded.columns());
            test = columns.transform(test, loaded.columns());
            validation = validation == null ? null : columns.transform(validation, loaded.columns());
        }
        boolean scale = standardize == Standardize.YES
                || (standardize == Standardize.AUTO && !DataSources.IMAGES.contains(source));
        Standardizer standardizer = scale ? Standardizer.fit(train) : null;
        if (scale) {
            train = standardizer.transform(train);
            test = standardizer.transform(test);
            validation = validation == null ? null : standardizer.transform(validation);
        }
        Standardizer targetStandardizer = null;
        if (train.task() == Task.REGRESSION) {
            targetStandardizer = Standardizer.fit(train.targets(), 1);
            train = train.withTargetsOwning(targetStandardizer.transform(train.targets()));
            test = test.withTargetsOwning(targetStandardizer.transform(test.targets()));
            validation = validation == null ? null : validation.withTargetsOwning(targetStandardizer.transform(validation.targets()));
        }
        return new PreparedData(train, test, standardizer, loaded.source(), loaded.sha256(), heldOut, validation, columns,
                targetStandardizer, loaded.warnings());
    }

    /**
     * Refuses rows too few to split: one row, or classes of one row each, which a stratified split
     * keeps whole for training, so that the held-out part would be empty and every metric of it NaN.
     */
    private static void requireSplittable(String source, Dataset rows, String part) {
        if (rows.size() < 2) {
            throw InputException.inFile(Path.of(source), "has " + rows.size() + " row" + (rows.size() == 1 ? "" : "s")
                    + " to split; expected at least 2, to hold out " + part + " and train on the rest");
        }
        if (rows.task() == Task.CLASSIFICATION && java.util.Arrays.stream(rows.classCounts()).allMatch(c -> c < 2)) {
            throw InputException.inFile(Path.of(source), rows.size() + " rows, one of each of their classes, are too few to hold out "
                    + part + "; expected at least 2 rows of a class (a stratified split keeps a class of one row for training)");
        }
    }

    /**
     * The seeded split {@link #prepare} makes: stratified for classes, shuffled for regression.
     *
     * @param data the rows to split
     * @param testFraction the share of rows for the test split, in {@code (0, 1)}
     * @param seed the run's seed; the same seed and fraction give the same split
     * @return the two parts
     */

    public static Split split(Dataset data, double testFraction, long seed) {
        return Split.of(data, testFraction, new SplittableRandom(seed ^ SPLIT_STREAM));
    }

    /**
     * The validation rows of training rows, as {@link #prepare(String, DataOptions, double, double, Standardize)}
     * splits them: a stream of the seed kept apart from the test split's.
     *
     * @param train the training rows
     * @param validationFraction the share held out for validation, in {@code (0, 1)}
     * @param seed the run's seed
     * @return the remaining training rows and the validation rows
     */
    public static Split splitValidation(Dataset train, double validationFraction, long seed) {
        return Split.of(train, validationFraction, new SplittableRandom(seed ^ VALIDATION_STREAM));
    }
}
