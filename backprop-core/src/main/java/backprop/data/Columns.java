package backprop.data;

import static backprop.internal.Checks.require;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the columns of a table become a network's input features: the first step of a model's
 * preprocessing, saved in model.json and applied by name to every table the model reads.
 *
 * <p>The steps, in order, for one row (an exporter to another format follows the same order):
 * <ol>
 *   <li>Each input column is looked up by {@link Column#name()}, wherever it is in the table;
 *       other columns are not read (the {@link #id()} column is carried beside the prediction).</li>
 *   <li>A {@link Kind#NUMERIC} column gives one feature, named like the column: the cell's number,
 *       or {@link Column#fill()} when the cell is missing ({@link #isMissing}); without a fill a
 *       missing cell is an error.</li>
 *   <li>A {@link Kind#CATEGORICAL} column gives one feature per category of
 *       {@link Column#categories()}, in that order, named {@code column=category}
 *       ({@code column=(missing)} for the missing category {@code ""}): 1 for the cell's
 *       category, 0 for the others. A missing cell is the category {@code ""}; a category the
 *       vocabulary lacks gives all zeros.</li>
 *   <li>The features are concatenated in column order ({@link #featureNames()}); the model's
 *       standardization applies to them after this.</li>
 * </ol>
 * The vocabularies and fills are learned on the training split alone ({@link #fit}). Immutable.
 */
public final class Columns {
    /** The most distinct values one categorical column may have: more is almost always an identifier or free text. */
    public static final int MAX_CATEGORIES = 1000;

    /** How a column is encoded. */
    public enum Kind {
        /** One feature, the number. */
        NUMERIC,
        /** One 0/1 feature per category. */
        CATEGORICAL;

        /** {@return the lower-case name model.json uses} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How missing numeric cells are filled, from the training split's values of the column. */
    public enum Impute {
        /** The mean of the column's present values. */
        MEAN,
        /** The median of the column's present values (the mean of the middle two for an even count). */
        MEDIAN;

        /**
         * {@return the strategy named {@code id}}
         *
         * @param id {@code mean} or {@code median}
         * @throws IllegalArgumentException for any other string
         */
        public static Impute of(String id) {
            for (Impute i : values()) {
                if (i.name().toLowerCase(Locale.ROOT).equals(id)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("must be mean or median; got '" + id + "'");
        }
    }

    /**
     * One input column.
     *
     * @param name the column's name in the header
     * @param kind how it is encoded
     * @param categories for a categorical column, the vocabulary in feature order ({@code ""} is
     *     the missing category); empty for a numeric one
     * @param fill for a numeric column, the value of a missing cell, or null when a missing cell is an error
     */
    public record Column(String name, Kind kind, List<String> categories, Float fill) {
        /**
         * Checks the parts fit together.
         *
         * @param name the column's name, not empty
         * @param kind how it is encoded
         * @param categories the vocabulary of a categorical column; empty for a numeric one
         * @param fill a numeric column's fill, or null
         * @throws IllegalArgumentException if the name is empty, a numeric column has categories,
         *     a categorical one has a fill or repeats a category, or the fill is not finite
         */
        public Column {
            require(name != null && !name.isEmpty(), "Columns.Column: a name is required; got '%s'", name);
            require(kind != null, "Columns.Column %s: a kind is required", name);
            categories = List.copyOf(categories);
            require(kind == Kind.CATEGORICAL || categories.isEmpty(), "Columns.Column %s: a numeric column has no categories; got %s", name, categories);
            require(kind == Kind.NUMERIC || fill == null, "Columns.Column %s: a categorical column has no fill; got %s", name, fill);
            require(fill == null || Float.isFinite(fill), "Columns.Column %s: the fill must be finite; got %s", name, fill);
            require(new HashSet<>(categories).size() == categories.size(), "Columns.Column %s: categories repeat; got %s", name, categories);
        }

        /**
         * {@return a numeric column}
         *
         * @param name the column's name
         */
        public static Column numeric(String name) {
            return new Column(name, Kind.NUMERIC, List.of(), null);
        }

        /** {@return whether reading it takes more than parsing a number: it is categorical, or it fills missing cells} */
        public boolean encodes() {
            return kind == Kind.CATEGORICAL || fill != null;
        }

        /** {@return the number of features it gives} */
        public int width() {
            return kind == Kind.NUMERIC ? 1 : categories.size();
        }

        /** {@return the names of its features, as {@link Columns} describes} */
        public List<String> featureNames() {
            if (kind == Kind.NUMERIC) {
                return List.of(name);
            }
            return categories.stream().map(c -> name + "=" + (c.isEmpty() ? "(missing)" : c)).toList();
        }
    }

    private final String target;
    private final String id;
    private final List<Column> inputs;

    private Columns(String target, String id, List<Column> inputs) {
        this.target = target;
        this.id = id;
        this.inputs = inputs;
    }

    /**
     * A layout of a table.
     *
     * @param target the target column's name, or null when it is not known
     * @param id the id column's name, or null when there is none
     * @param inputs the input columns, in feature order, at least one
     * @return the layout
     * @throws IllegalArgumentException if there are no inputs, a name repeats, or the target or id is an input
     */
    public static Columns of(String target, String id, List<Column> inputs) {
        require(!inputs.isEmpty(), "Columns: at least one input column is required");
        Set<String> names = new HashSet<>();
        for (Column c : inputs) {
            require(names.add(c.name()), "Columns: input column '%s' appears twice", c.name());
        }
        require(target == null || !names.contains(target), "Columns: the target '%s' cannot be an input", target);
        require(id == null || !names.contains(id), "Columns: the id column '%s' cannot be an input", id);
        return new Columns(target, id, List.copyOf(inputs));
    }

    /**
     * {@return the layout of a model that reads the numeric columns {@code features} and nothing
     * else: what a model file without a column layout means}
     *
     * @param features the feature columns' names
     */
    public static Columns numeric(List<String> features) {
        return of(null, null, features.stream().map(Column::numeric).toList());
    }

    /** {@return the target column's name, or null when it is not known} */
    public String target() {
        return target;
    }

    /** {@return the id column's name, or null when there is none} */
    public String id() {
        return id;
    }

    /** {@return the input columns, in feature order} */
    public List<Column> inputs() {
        return inputs;
    }

    /** {@return the names of all features, column by column} */
    public List<String> featureNames() {
        List<String> names = new ArrayList<>();
        for (Column c : inputs) {
            names.addAll(c.featureNames());
        }
        return names;
    }

    /** {@return the number of features, the network's input width} */
    public int width() {
        return inputs.stream().mapToInt(Column::width).sum();
    }

    /**
     * {@return whether reading a table takes more than picking numeric columns by name: a
     * categorical column or a fill, which a reader of model.json format 2 would not know}
     */
    public boolean encodes() {
        return inputs.stream().anyMatch(Column::encodes);
    }

    /**
     * {@return whether {@code cell} is a missing value: empty, {@code NA} or {@code N/A}, surrounding spaces ignored}
     *
     * @param cell a CSV cell
     */
    public static boolean isMissing(String cell) {
        String s = cell.strip();
        return s.isEmpty() || s.equals("NA") || s.equals("N/A");
    }

    /**
     * Learns the vocabularies and fills on training rows encoded by this layout (as the reader
     * encodes a whole file: every category of the file, missing numbers as NaN). A category
     * without a training row is dropped; a numeric column with NaN values is filled by
     * {@code impute}.
     *
     * @param train training rows with this layout's features
     * @param impute how to fill a numeric column's missing values, or null when none may be missing
     * @return the fitted layout, with the same columns
     * @throws IllegalArgumentException if {@code train} has other features, or holds NaN while {@code impute} is null
     */
    public Columns fit(Dataset train, Impute impute) {
        require(train.featureNames().equals(featureNames()), "Columns.fit: the rows' features are not this layout's");
        int d = train.numFeatures();
        float[] x = train.featuresUnsafe();
        List<Column> fitted = new ArrayList<>();
        int offset = 0;
        for (Column c : inputs) {
            if (c.kind() == Kind.CATEGORICAL) {
                List<String> seen = new ArrayList<>();
                for (int k = 0; k < c.categories().size(); k++) {
                    for (int i = 0; i < train.size(); i++) {
                        if (x[i * d + offset + k] != 0) {
                            seen.add(c.categories().get(k));
                            break;
                        }
                    }
                }
                fitted.add(new Column(c.name(), Kind.CATEGORICAL, seen, null));
            } else {
                float[] present = new float[train.size()];
                int n = 0;
                for (int i = 0; i < train.size(); i++) {
                    float v = x[i * d + offset];
                    if (!Float.isNaN(v)) {
                        present[n++] = v;
                    }
                }
                require(n == train.size() || impute != null, "Columns.fit: column %s has missing values and no imputation", c.name());
                fitted.add(new Column(c.name(), Kind.NUMERIC, List.of(), impute == null ? c.fill() : Float.valueOf(fill(Arrays.copyOf(present, n), impute))));
            }
            offset += c.width();
        }
        return new Columns(target, id, List.copyOf(fitted));
    }

    private static float fill(float[] values, Impute impute) {
        if (values.length == 0) {
            return 0f;   // nothing to learn from: the column is all missing, and 0 is the standardized mean
        }
        if (impute == Impute.MEAN) {
            double sum = 0;
            for (float v : values) {
                sum += v;
            }
            return (float) (sum / values.length);
        }
        Arrays.sort(values);
        int m = values.length / 2;
        return values.length % 2 == 1 ? values[m] : (float) (((double) values[m - 1] + values[m]) / 2);
    }

    /**
     * Re-encodes rows encoded by {@code from} (a layout of the same columns with larger
     * vocabularies and no fills, as the reader makes) in this layout: a category this layout
     * lacks becomes all zeros, NaN becomes the fill.
     *
     * @param data rows with {@code from}'s features
     * @param from the layout they are encoded in
     * @return new rows with this layout's features; labels or targets unchanged
     * @throws IllegalArgumentException if the layouts do not have the same columns, or a NaN has no fill
     */
    public Dataset transform(Dataset data, Columns from) {
        require(data.featureNames().equals(from.featureNames()), "Columns.transform: the rows' features are not those of the given layout");
        require(from.inputs.size() == inputs.size(), "Columns.transform: the layouts have different columns");
        Map<String, Integer> source = new LinkedHashMap<>();
        List<String> fromNames = from.featureNames();
        for (int j = 0; j < fromNames.size(); j++) {
            source.put(fromNames.get(j), j);
        }
        int[] pick = new int[width()];
        float[] fills = new float[width()];
        int k = 0;
        for (Column c : inputs) {
            for (String name : c.featureNames()) {
                Integer j = source.get(name);
                require(j != null || c.kind() == Kind.CATEGORICAL, "Columns.transform: the given layout has no feature %s", name);
                pick[k] = j == null ? -1 : j;
                fills[k] = c.fill() == null ? Float.NaN : c.fill();
                k++;
            }
        }
        int n = data.size();
        int d = data.numFeatures();
        float[] x = data.featuresUnsafe();
        float[] out = new float[n * pick.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < pick.length; j++) {
                float v = pick[j] < 0 ? 0f : x[i * d + pick[j]];
                if (Float.isNaN(v)) {
                    require(!Float.isNaN(fills[j]), "Columns.transform: row %d has a missing %s and no fill", i, featureNames().get(j));
                    v = fills[j];
                }
                out[i * pick.length + j] = v;
            }
        }
        List<String> names = featureNames();
        return data.task() == Task.CLASSIFICATION
                ? Dataset.classificationOwning(out, names.size(), data.labels(), names, data.classNames())
                : Dataset.regressionOwning(out, names.size(), data.targets(), names);
    }

    /** {@return the column names, for messages} */
    List<String> names() {
        return Collections.unmodifiableList(inputs.stream().map(Column::name).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Columns c && java.util.Objects.equals(target, c.target) && java.util.Objects.equals(id, c.id)
                && inputs.equals(c.inputs);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(target, id, inputs);
    }

    @Override
    public String toString() {
        return "Columns[target=" + target + ", id=" + id + ", inputs=" + inputs + "]";
    }
}
