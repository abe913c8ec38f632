package backprop.spark;

import backprop.InputException;
import backprop.data.CsvOptions;
import backprop.data.CsvReader;
import backprop.data.Standardizer;
import backprop.data.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A DataFrame of numeric feature columns and one target column made into {@link SparkData}, read
 * as {@code backprop train} reads a CSV file: the target is the last column unless named, every
 * other column is a feature, and unless the task is given it is inferred from the target (any
 * non-numeric value: classification with classes sorted by name; at most
 * {@value CsvReader#MAX_INFERRED_CLASSES} distinct whole numbers: classification with classes
 * sorted by value; otherwise regression).
 */
final class FrameData {
    private FrameData() {}

    /** What the rows must fit: the task and classes, and the standardization to apply (null: none). */
    record Reading(String source, String target, Task task, List<String> classes, boolean standardize,
                   Standardizer standardizer, List<String> features) {}

    /**
     * @param test the held-out rows, or null to split {@code testFraction} of {@code train} off by the seed
     * @param reading the target and task (null: inferred); for fine-tuning, the model's classes,
     *     standardizer and features; {@code standardize} fits a standardizer on the training rows
     *     when none is given
     */
    static SparkData of(Dataset<Row> train, Dataset<Row> test, double testFraction, long seed, Reading reading) {
        String[] columns = train.columns();
        if (columns.length < 2) {
            throw new InputException(reading.source() + ": needs at least one feature column and a target column; got "
                    + columns.length + " column" + (columns.length == 1 ? "" : "s"));
        }
        int targetIndex = targetIndex(columns, reading.target(), reading.source());
        List<String> features = new ArrayList<>(Arrays.asList(columns));
        features.remove(targetIndex);
        if (reading.features() != null && !reading.features().equals(features)) {
            throw new InputException(reading.source() + ": has the features " + InputException.clip(features.toString())
                    + "; the model reads " + InputException.clip(reading.features().toString()));
        }
        for (String f : features) {
            DataType type = train.schema().apply(f).dataType();
            if (!(type instanceof NumericType)) {
                throw new InputException(reading.source() + ": column '" + f + "' must be numeric, as every column but the target is a feature; got "
                        + type.simpleString() + " values");
            }
        }
        String target = columns[targetIndex];
        Task task = reading.task();
        List<String> classes = reading.classes();
        if (classes != null && !classes.isEmpty()) {
            task = Task.CLASSIFICATION;
        } else if (task != Task.REGRESSION) {
            boolean numeric = train.schema().apply(target).dataType() instanceof NumericType;
            List<String> distinct = distinctLabels(train, target, numeric);
            boolean wholeNumbers = numeric && distinct.stream().allMatch(s -> !s.contains("."));
            if (task == null) {
                task = !numeric || (wholeNumbers && distinct.size() <= CsvReader.MAX_INFERRED_CLASSES) ? Task.CLASSIFICATION : Task.REGRESSION;
            }
            if (task == Task.CLASSIFICATION) {
                classes = sortedClasses(distinct, numeric, reading.source(), target);
            }
        }
        if (task == Task.REGRESSION && !(train.schema().apply(target).dataType() instanceof NumericType)) {
            throw new InputException(reading.source() + ": target column '" + target + "' must be numeric for regression; got "
                    + train.schema().apply(target).dataType().simpleString() + " values");
        }
        List<String> classNames = task == Task.CLASSIFICATION ? classes : List.of();
        Dataset<Row> testRows = test;
        Dataset<Row> trainRows = train;
        if (test == null) {
            Dataset<Row>[] parts = train.randomSplit(new double[] {1 - testFraction, testFraction}, seed);
            trainRows = parts[0];
            testRows = parts[1];
        }
        Converter converter = new Converter(reading.source(), targetIndex, columns.length - 1, classNames);
        JavaRDD<Shard> trainShards = converter.shards(trainRows);
        JavaRDD<Shard> testShards = converter.shards(testRows);
        long trainSize = trainShards.map(Shard::size).reduce(Integer::sum);
        long testSize = testShards.map(Shard::size).reduce(Integer::sum);
        if (trainSize == 0 || testSize == 0) {
            throw new InputException(reading.source() + ": no " + (trainSize == 0 ? "training" : "test") + " rows; need some of both");
        }
        Standardizer standardizer = reading.standardizer();
        if (standardizer == null && reading.standardize()) {
            standardizer = fit(trainShards, trainSize);
        }
        if (standardizer != null) {
            trainShards = standardized(trainShards, standardizer);
            testShards = standardized(testShards, standardizer);
        }
        return new SparkData(trainShards, testShards, trainSize, testSize, features, classNames, task, standardizer, reading.source());
    }

    /**
     * What Spark found wrong with {@code path} (a ragged row it refused, an empty or NaN cell an
     * executor refused), said as {@code backprop train} says it, with the file's line and column,
     * when the path is a local CSV file that core's reader refuses too; else what was found, or
     * null when Spark's failure was not about the rows.
     *
     * @param found what reading the rows threw, on the driver or wrapped from an executor
     * @param paths the training path, then the test path or null
     * @param options how backprop train would read the file
     */
    static Exception explained(Exception found, CsvOptions options, String... paths) {
        InputException ours = null;
        boolean malformed = false;
        for (Throwable t = found; t != null; t = t.getCause()) {
            if (t instanceof InputException input && ours == null) {
                ours = input;
            }
            malformed |= String.valueOf(t.getMessage()).contains("Malformed");
        }
        if (ours == null && !malformed) {
            return found;
        }
        for (String path : paths) {
            InputException core = localVerdict(path, options);
            if (core != null) {
                return core;
            }
        }
        return ours != null ? ours : new InputException(String.join(" or ", java.util.Arrays.stream(paths)
                .filter(java.util.Objects::nonNull).toList()) + ": a row Spark cannot read (a different number of fields"
                + " than the header, or an unclosed quote); expected every row as wide as the header", found);
    }

    /** Core's refusal of a local CSV file, or null when it reads the file (or the path is none). */
    private static InputException localVerdict(String path, CsvOptions options) {
        if (path == null || !path.toLowerCase(java.util.Locale.ROOT).matches(".*\\.csv(\\.gz)?")) {
            return null;
        }
        java.nio.file.Path file = java.nio.file.Path.of(path.startsWith("file:") ? path.substring("file:".length()) : path);
        if (!java.nio.file.Files.isRegularFile(file)) {
            return null;
        }
        try {
            CsvReader.read(file, options);
            return null;
        } catch (InputException e) {
            // the Spark command has no --impute: core's advice to use it would send the user to an option it refuses
            int impute = e.getMessage().indexOf(" (use --impute");
            return impute < 0 ? e : new InputException(e.getMessage().substring(0, impute), e);
        }
    }

    private static int targetIndex(String[] columns, String target, String source) {
        if (target == null) {
            return columns.length - 1;
        }
        int byName = Arrays.asList(columns).indexOf(target);
        if (byName >= 0) {
            return byName;
        }
        try {
            int index = Integer.parseInt(target);
            if (index >= 0 && index < columns.length) {
                return index;
            }
        } catch (NumberFormatException e) {
            // not an index either: reported below
        }
        throw new InputException("--target: " + source + " has no column '" + InputException.clip(target) + "'; its columns are "
                + InputException.clip(String.join(", ", columns)) + " (or give a 0-based index)");
    }

    /** A label as core's CSV reader names it: a whole number without a fraction, else the text. */
    private static String label(Object value) {
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e15) {
            return Long.toString(n.longValue());
        }
        return String.valueOf(value);
    }

    private static List<String> distinctLabels(Dataset<Row> frame, String target, boolean numeric) {
        List<String> labels = new ArrayList<>();
        Dataset<Row> distinct = frame.select(target).na().drop().distinct();
        // a numeric target may be regression, with many values: one more than the class limit tells
        for (Row r : (numeric ? distinct.limit(CsvReader.MAX_INFERRED_CLASSES + 1) : distinct).collectAsList()) {
            labels.add(label(r.get(0)));
        }
        return labels;
    }

    private static List<String> sortedClasses(List<String> distinct, boolean numeric, String source, String target) {
        TreeSet<String> set = new TreeSet<>(distinct);
        if (set.size() < 2) {
            throw new InputException(source + ": target column '" + target + "': classification needs at least 2 classes; got " + InputException.clip(set.toString()));
        }
        Comparator<String> order = numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder();
        return set.stream().sorted(order).toList();
    }

    private static Standardizer fit(JavaRDD<Shard> shards, long n) {
        int d = shards.first().dimensions();
        double[] mean = sum(shards, new double[d])[0];
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        // two passes, as core's fit: deviations from the mean, not E[x^2] - E[x]^2
        return Standardizer.ofMoments(n, mean, sum(shards, mean)[1]);
    }

    private static double[][] sum(JavaRDD<Shard> shards, double[] center) {
        return shards.map(s -> s.moments(center)).reduce((a, b) -> {
            for (int k = 0; k < 2; k++) {
                for (int j = 0; j < a[k].length; j++) {
                    a[k][j] += b[k][j];
                }
            }
            return a;
        });
    }

    private static JavaRDD<Shard> standardized(JavaRDD<Shard> shards, Standardizer standardizer) {
        // a Standardizer does not travel; its arrays do
        float[] means = standardizer.means();
        float[] stds = standardizer.stds();
        JavaRDD<Shard> out = shards.map(s -> s.standardized(Standardizer.of(means, stds))).persist(StorageLevel.MEMORY_ONLY());
        out.count();
        shards.unpersist(false);
        return out;
    }

    /** Turns rows into shards on the executors; serializable, so it carries only plain values. */
    private record Converter(String source, int target, int numFeatures, List<String> classes) implements java.io.Serializable {
        JavaRDD<Shard> shards(Dataset<Row> frame) {
            // zipWithIndex numbers rows consecutively within and across partitions: each partition
            // is one run of global rows, starting at the index of its first row.
            JavaRDD<Shard> shards = frame.javaRDD().zipWithIndex().mapPartitions(this::shard).persist(StorageLevel.MEMORY_ONLY());
            shards.count();
            return shards;
        }

        private Iterator<Shard> shard(Iterator<Tuple2<Row, Long>> rows) {
            Map<String, Integer> classIndex = new HashMap<>();
            for (int k = 0; k < classes.size(); k++) {
                classIndex.put(classes.get(k), k);
            }
            long start = -1;
            int n = 0;
            float[] x = new float[1024 * numFeatures];
            int[] labels = new int[1024];
            float[] targets = new float[1024];
            while (rows.hasNext()) {
                Tuple2<Row, Long> next = rows.next();
                Row row = next._1();
                if (start < 0) {
                    start = next._2();
                }
                if (n == labels.length) {
                    x = Arrays.copyOf(x, 2 * x.length);
                    labels = Arrays.copyOf(labels, 2 * n);
                    targets = Arrays.copyOf(targets, 2 * n);
                }
                long rowNumber = next._2() + 1;
                for (int c = 0, j = 0; c <= numFeatures; c++) {
                    if (c == target) {
                        continue;
                    }
                    if (row.isNullAt(c)) {
                        throw new InputException(source + ": row " + rowNumber + ": column '" + row.schema().fieldNames()[c]
                                + "' is empty; expected a number");
                    }
                    float v = ((Number) row.get(c)).floatValue();
                    if (!Float.isFinite(v)) {
                        throw new InputException(source + ": row " + rowNumber + ": column '" + row.schema().fieldNames()[c]
                                + "' is " + v + "; expected a finite number");
                    }
                    x[n * numFeatures + j++] = v;
                }
                if (row.isNullAt(target)) {
                    throw new InputException(source + ": row " + rowNumber + ": the target column '" + row.schema().fieldNames()[target]
                            + "' is empty");
                }
                if (classes.isEmpty()) {
                    targets[n] = ((Number) row.get(target)).floatValue();
                    if (!Float.isFinite(targets[n])) {
                        throw new InputException(source + ": row " + rowNumber + ": the target column '"
                                + row.schema().fieldNames()[target] + "' is " + targets[n] + "; expected a finite number");
                    }
                } else {
                    Integer k = classIndex.get(label(row.get(target)));
                    if (k == null) {
                        throw new InputException(source + ": row " + rowNumber + ": label '" + InputException.clip(label(row.get(target)))
                                + "' is not a known class; expected one of " + InputException.clip(String.join(", ", classes)));
                    }
                    labels[n] = k;
                }
                n++;
            }
            Shard shard = new Shard(Math.max(start, 0), numFeatures, Arrays.copyOf(x, n * numFeatures),
                    classes.isEmpty() ? null : Arrays.copyOf(labels, n), classes.isEmpty() ? Arrays.copyOf(targets, n) : null, classes.size());
            return List.of(shard).iterator();
        }
    }
}
