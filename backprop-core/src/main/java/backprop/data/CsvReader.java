package backprop.data;

import backprop.InputException;
import de.siegmar.fastcsv.reader.CloseableIterator;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a CSV file (UTF-8, comma-separated, quotes as in RFC 4180, optionally gzipped, which is
 * detected from the bytes, not the name) whose first row names the columns.
 *
 * <p>{@link #read} takes every column but the target as a numeric feature. The target column
 * is the last one unless {@link CsvOptions#target()} names another. Unless
 * {@link CsvOptions#task()} says otherwise, the task is inferred from the target column:
 * <ul>
 *   <li>any cell that is not a number: classification, classes sorted by name;</li>
 *   <li>all integers with at most {@value #MAX_INFERRED_CLASSES} distinct values:
 *       classification, classes sorted by value (so a 0/1 column is two classes);</li>
 *   <li>otherwise regression.</li>
 * </ul>
 *
 * <p>Every problem with the file is an {@link InputException} of the form
 * {@code FILE:LINE: column 'NAME' (field K): what was expected; got 'CELL'}, where LINE is the
 * 1-based line in the file: a missing or empty file, a header without rows, a row with too few or
 * too many fields, a feature cell that is empty, not a number, NaN or infinite, a missing
 * target column, or classification with fewer than two classes.
 */
public final class CsvReader {
    /** The most distinct integer targets still read as classes when the task is inferred. */
    public static final int MAX_INFERRED_CLASSES = 20;

    private CsvReader() {}

    /** A data set and the SHA-256 (hex) of the file's bytes as stored. */
    record Result(Dataset data, String sha256) {}

    /**
     * Reads a labelled CSV file.
     *
     * @param file a CSV file with a header row
     * @param options which column is the target, how to read it, and the known classes
     * @return the rows, features in file order without the target column
     * @throws InputException for any problem with the file, as listed above
     */
    public static Dataset read(Path file, CsvOptions options) {
        return readWithDigest(file, options).data();
    }

    /**
     * As {@link #read(Path, CsvOptions)} with {@link CsvOptions#DEFAULTS}: the last column is the
     * target, the task is inferred.
     *
     * @param file a CSV file with a header row
     * @return the rows, features in file order without the target column
     * @throws InputException for any problem with the file
     */
    public static Dataset read(Path file) {
        return read(file, CsvOptions.DEFAULTS);
    }

    static Result readWithDigest(Path file, CsvOptions options) {
        Inputs.requireReadableFile(file);
        try (InputStream raw = Files.newInputStream(file)) {
            return read(raw, file, options);
        } catch (IOException e) {
            throw Inputs.readFailure(file, e);
        }
    }

    /** Reads from {@code raw}; {@code file} names it in messages (a resource's path, say). */
    static Result read(InputStream raw, Path file, CsvOptions options) throws IOException {
        MessageDigest digest = Inputs.sha256();
        DigestInputStream stored = new DigestInputStream(raw, digest);
        Table table = new Table(file);
        try (var csv = parser(Inputs.decoded(stored)); CloseableIterator<CsvRecord> rows = csv.iterator()) {
            Header header = table.header(rows);
            int target = header.resolveTarget(options.target());
            int[] featureColumns = header.allBut(target);
            FloatList features = new FloatList();
            List<String> labels = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            while (rows.hasNext()) {
                CsvRecord row = rows.next();
                table.checkWidth(row, header);
                for (int column : featureColumns) {
                    features.add(table.number(row, column, header));
                }
                labels.add(row.getField(target));
                lines.add(row.getStartingLineNumber());
            }
            Inputs.drain(stored);
            if (labels.isEmpty()) {
                throw InputException.inFile(file, "has a header but no data rows; expected at least one row after line "
                        + header.line);
            }
            List<String> featureNames = Arrays.stream(featureColumns).mapToObj(header.names::get).toList();
            Targets targets = new Targets(file, header.describe(target), labels, lines);
            Dataset data = targets.build(features.toArray(), featureNames, options);
            return new Result(data, Inputs.hex(digest));
        } catch (UncheckedIOException e) {
            throw Inputs.readFailure(file, e);
        } catch (CsvParseException e) {
            throw new InputException(file + ": not a readable CSV file: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the features of a CSV for prediction: the columns named {@code featureNames}, in
     * that order, whatever their place in the file; other columns (a label column, say) are
     * ignored. Returns {@code rows x featureNames.size()} values, row-major.
     *
     * @param file a CSV file with a header row
     * @param featureNames the columns to read, as a model's training named them
     * @return the values, a new array
     * @throws InputException if a column is missing, or for any problem {@link #read} reports

     */
    public static float[] readFeatures(Path file, List<String> featureNames) {
        Inputs.requireReadableFile(file);
        try (InputStream raw = Files.newInputStream(file);
             var csv = parser(Inputs.decoded(raw));
             CloseableIterator<CsvRecord> rows = csv.iterator()) {
            Table table = new Table(file);
            Header header = table.header(rows);
            int[] columns = new int[featureNames.size()];
            for (int j = 0; j < columns.length; j++) {
                Integer index = header.index.get(featureNames.get(j));
                if (index == null) {
                    throw InputException.atLine(file, header.line, "no column '" + featureNames.get(j)
                            + "'; expected the model's feature columns " + String.join(", ", featureNames));
                }
                columns[j] = index;
            }
            FloatList features = new FloatList();
            int count = 0;
            while (rows.hasNext()) {
                CsvRecord row = rows.next();
                table.checkWidth(row, header);
                for (int column : columns) {
                    features.add(table.number(row, column, header));
                }
                count++;
            }
            if (count == 0) {
                throw InputException.inFile(file, "has a header but no data rows; expected at least one row after line "
                        + header.line);
            }
            return features.toArray();
        } catch (IOException e) {
            throw Inputs.readFailure(file, e);
        } catch (UncheckedIOException e) {
            throw Inputs.readFailure(file, e);
        } catch (CsvParseException e) {
            throw new InputException(file + ": not a readable CSV file: " + e.getMessage(), e);
        }
    }

    private static de.siegmar.fastcsv.reader.CsvReader<CsvRecord> parser(InputStream in) throws IOException {
        skipUtf8Bom(in);
        // Report bad bytes instead of silently turning them into U+FFFD.
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        return de.siegmar.fastcsv.reader.CsvReader.builder()
                .ignoreDifferentFieldCount(true) // we check the width ourselves, to say which line and what was expected
                .skipEmptyLines(true)
                .ofCsvRecord(reader);
    }

    /**
     * Spreadsheets often start a UTF-8 file with a byte-order mark; FastCSV only strips it when it
     * opens the file itself, and we hand it a decoded stream (perhaps gunzipped).
     */
    private static void skipUtf8Bom(InputStream in) throws IOException {
        in.mark(3);
        byte[] head = in.readNBytes(3);
        if (!(head.length == 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF)) {
            in.reset();
        }
    }

    /** The column names and where they are. */
    private static final class Header {
        final Path file;
        final long line;
        final List<String> names;
        final Map<String, Integer> index = new HashMap<>();

        Header(Path file, long line, List<String> names) {
            this.file = file;
            this.line = line;
            this.names = names;
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (name.isEmpty()) {
                    throw InputException.atLine(file, line, "header: field " + (i + 1)
                            + " has no name; expected a name for every column");
                }
                Integer before = index.putIfAbsent(name, i);
                if (before != null) {
                    throw InputException.atLine(file, line, "header: column '" + name + "' appears twice (fields "
                            + (before + 1) + " and " + (i + 1) + "); expected unique names");
                }
            }
        }

        /** A target given as a name wins over the same text read as an index. */
        int resolveTarget(String target) {
            if (target == null) {
                return names.size() - 1;
            }
            Integer byName = index.get(target);
            if (byName != null) {
                return byName;
            }
            if (target.chars().allMatch(Character::isDigit)) {
                int i;
                try {
                    i = Integer.parseInt(target);
                } catch (NumberFormatException e) {
                    i = Integer.MAX_VALUE;
                }
                if (i < names.size()) {
                    return i;
                }
                throw InputException.atLine(file, line, "target column index " + target + " is out of range; expected 0.."
                        + (names.size() - 1) + " for the " + names.size() + " columns " + String.join(", ", names));
            }
            throw InputException.atLine(file, line, "no target column '" + target
                    + "'; expected one of the columns " + String.join(", ", names) + " (or a 0-based index)");
        }

        int[] allBut(int target) {
            if (names.size() < 2) {
                throw InputException.atLine(file, line, "header has only the target column '" + names.get(target)
                        + "'; expected at least one feature column besides it");
            }
            int[] columns = new int[names.size() - 1];
            for (int i = 0, k = 0; i < names.size(); i++) {
                if (i != target) {
                    columns[k++] = i;
                }
            }
            return columns;
        }

        String describe(int column) {
            return "column '" + names.get(column) + "' (field " + (column + 1) + ")";
        }
    }

    /** The checks that need the file name: header, width and cells. */
    private static final class Table {
        final Path file;

        Table(Path file) {
            this.file = file;
        }

        Header header(CloseableIterator<CsvRecord> rows) {
            if (!rows.hasNext()) {
                throw InputException.inFile(file, "is empty; expected a header row naming the columns, then data rows");
            }
            CsvRecord first = rows.next();
            return new Header(file, first.getStartingLineNumber(), first.getFields().stream().map(String::strip).toList());
        }

        void checkWidth(CsvRecord row, Header header) {
            if (row.getFieldCount() != header.names.size()) {
                throw InputException.atLine(file, row.getStartingLineNumber(), "expected " + header.names.size()
                        + " fields as in the header; got " + row.getFieldCount());
            }
        }

        float number(CsvRecord row, int column, Header header) {
            String cell = row.getField(column);
            Numbers.Parsed p = Numbers.parse(cell);
            if (p.problem() == null) {
                return (float) p.value();
            }
            String what = switch (p.problem()) {
                case EMPTY -> "expected a number; got an empty cell";
                case NOT_A_NUMBER -> "expected a number; got '" + cell + "'";
                case NOT_FINITE -> "expected a finite number; got '" + cell + "'";
            };
            throw InputException.atLine(file, row.getStartingLineNumber(), header.describe(column) + ": " + what);
        }
    }

    /** Turns the raw target cells into labels or targets once the task is known. */
    private record Targets(Path file, String column, List<String> cells, List<Long> lines) {
        Dataset build(float[] features, List<String> featureNames, CsvOptions options) {
            int d = featureNames.size();
            Task task = options.task() != null ? options.task()
                    : !options.classNames().isEmpty() ? Task.CLASSIFICATION : infer();
            if (task == Task.REGRESSION) {
                float[] y = new float[cells.size()];
                for (int i = 0; i < y.length; i++) {
                    y[i] = (float) finite(i);
                }
                return Dataset.regressionOwning(features, d, y, featureNames);
            }
            List<String> names = new ArrayList<>(cells.size());
            for (int i = 0; i < cells.size(); i++) {
                names.add(className(i));
            }
            List<String> classes = options.classNames().isEmpty() ? sortedClasses(names) : options.classNames();
            Map<String, Integer> labelOf = new HashMap<>();
            for (int k = 0; k < classes.size(); k++) {
                labelOf.put(classes.get(k), k);
            }
            int[] y = new int[names.size()];
            for (int i = 0; i < y.length; i++) {
                Integer k = labelOf.get(names.get(i));
                if (k == null) {
                    throw InputException.atLine(file, lines.get(i), column + ": label '" + cells.get(i)
                            + "' is not a class the model knows; expected one of " + String.join(", ", classes));
                }
                y[i] = k;
            }
            return Dataset.classificationOwning(features, d, y, featureNames, classes);
        }

        private Task infer() {
            TreeSet<Double> distinct = new TreeSet<>();
            boolean integers = true;
            for (int i = 0; i < cells.size(); i++) {
                Numbers.Parsed p = Numbers.parse(cells.get(i));
                if (p.problem() == Numbers.Problem.NOT_A_NUMBER) {
                    return Task.CLASSIFICATION;
                }
                if (p.problem() != null) {
                    finite(i); // throws with the line and the reason
                }
                integers &= p.value() == Math.rint(p.value());
                if (distinct.size() <= MAX_INFERRED_CLASSES) {
                    distinct.add(p.value());
                }
            }
            return integers && distinct.size() <= MAX_INFERRED_CLASSES ? Task.CLASSIFICATION : Task.REGRESSION;
        }

        private double finite(int i) {
            Numbers.Parsed p = Numbers.parse(cells.get(i));
            if (p.problem() == null) {
                return p.value();
            }
            String what = switch (p.problem()) {
                case EMPTY -> "expected a number as the regression target; got an empty cell";
                case NOT_A_NUMBER -> "expected a number as the regression target; got '" + cells.get(i) + "'";
                case NOT_FINITE -> "expected a finite number as the target; got '" + cells.get(i) + "'";
            };
            throw InputException.atLine(file, lines.get(i), column + ": " + what);
        }

        /** A number that is an integer names its class without decimals, so "1" and "1.0" are one class. */
        private String className(int i) {
            String cell = cells.get(i).strip();
            if (cell.isEmpty()) {
                throw InputException.atLine(file, lines.get(i), column + ": expected a class label; got an empty cell");
            }
            Numbers.Parsed p = Numbers.parse(cell);
            if (p.problem() == null && p.value() == Math.rint(p.value()) && Math.abs(p.value()) < 1e15) {
                return Long.toString((long) p.value());
            }
            return cell;
        }

        private List<String> sortedClasses(List<String> names) {
            TreeSet<String> distinct = new TreeSet<>(names);
            if (distinct.size() < 2) {
                throw InputException.inFile(file, column + ": classification needs at least 2 classes; got only '"
                        + distinct.first() + "' in all " + names.size() + " rows");
            }
            boolean numeric = distinct.stream().allMatch(s -> Numbers.parse(s).problem() == null);
            Comparator<String> order = numeric
                    ? Comparator.comparingDouble(s -> Numbers.parse(s).value())
                    : Comparator.naturalOrder();
            return distinct.stream().sorted(order).toList();
        }
    }

    /** A growable float array, so reading does not box every cell. */
    private static final class FloatList {
        private float[] values = new float[1024];
        private int size;

        void add(float v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
