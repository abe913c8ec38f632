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
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
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

    /**
     * A data set, the SHA-256 (hex) of the file's bytes as stored, the layout its features were
     * encoded by (every category of the file, missing numbers NaN, unless a fitted layout was
     * given), and what the user should hear about (columns ignored, categories not known).
     */
    record Result(Dataset data, String sha256, Columns columns, List<String> warnings) {}

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
        Path bytes = seekable(file, options.limits());
        try {
            Set<Integer> text = new HashSet<>();
            while (true) {
                try (InputStream raw = Files.newInputStream(bytes)) {
                    return read(raw, file, options, text);
                } catch (IOException e) {
                    throw Inputs.readFailure(file, e);
                } catch (TextColumn e) {
                    // A column of numbers so far has a cell of text: read again, that column categorical
                    // from the first row, so that its numbers keep the spelling the file gives them.
                    text.add(e.column);
                }
            }
        } finally {
            forget(file, bytes);
        }
    }

    private static Path seekable(Path file, ReadLimits limits) {
        try {
            return Inputs.seekable(file, limits);
        } catch (IOException e) {
            throw Inputs.readFailure(file, e);
        }
    }

    /** Deletes the copy of a pipe {@link #seekable} made. */
    private static void forget(Path file, Path bytes) {
        if (!bytes.equals(file)) {
            try {
                Files.deleteIfExists(bytes);
            } catch (IOException e) {
                // a file in the temporary folder; nothing the user can do about it
            }
        }
    }

    /** Reads from {@code raw}; {@code file} names it in messages (a resource's path, say). */
    static Result read(InputStream raw, Path file, CsvOptions options) throws IOException {
        try {
            return read(raw, file, options, Set.of());
        } catch (TextColumn e) {
            throw new AssertionError("a built-in data set has a column of text: " + file, e);
        }
    }

    private static Result read(InputStream raw, Path file, CsvOptions options, Set<Integer> text) throws IOException {
        MessageDigest digest = Inputs.sha256();
        DigestInputStream stored = new DigestInputStream(raw, digest);
        Table table = new Table(file);
        try (var csv = parser(Inputs.decoded(stored, file, options.limits())); CloseableIterator<CsvRecord> rows = csv.iterator()) {
            Header header = table.header(rows);
            Layout layout = options.columns() != null ? Layout.of(header, options.columns(), options.target(), true)
                    : Layout.chosen(header, options, text);
            List<String> labels = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            Cells cells = layout.cells(table, header);
            while (rows.hasNext()) {
                CsvRecord row = rows.next();
                table.checkWidth(row, header);
                options.limits().checkRow(file, row.getStartingLineNumber(), labels.size() + 1L, cells.width);
                cells.add(row);
                labels.add(row.getField(layout.target()));
                lines.add(row.getStartingLineNumber());
            }
            Inputs.drain(stored);
            if (labels.isEmpty()) {
                throw InputException.inFile(file, "has a header but no data rows; expected at least one row after line "
                        + header.line);
            }
            Columns columns = cells.columns(labels.size());
            Targets targets = new Targets(file, header.describe(layout.target()), labels, lines);
            Dataset data = targets.build(cells.features(), columns.featureNames(), options);
            List<String> warnings = new ArrayList<>(layout.warnings(file, header));
            cells.unseen(file).ifPresent(warnings::add);
            return new Result(data, Inputs.hex(digest), columns, warnings);
        } catch (UncheckedIOException e) {
            throw Inputs.readFailure(file, e);
        } catch (CsvParseException e) {
            throw Inputs.unreadable(file, e);
        }
    }

    /**
     * Reads the rows of a CSV for a model's prediction: the inputs of {@code columns} by name,
     * encoded by it, whatever their place in the file; the id column (or every column, with
     * {@code keepAll}) as text to print beside the prediction; other columns are ignored and
     * named in a warning.
     *
     * @param file a CSV file with a header row
     * @param columns the model's fitted layout
     * @param keepAll whether to keep every column of the file, not just the id
     * @return the encoded rows, what was kept, and the warnings
     * @throws InputException if an input column is missing, a numeric cell is not a number or is
     *     missing without a fill, or for any problem {@link #read} reports
     */
    public static EncodedRows readInputs(Path file, Columns columns, boolean keepAll) {
        Inputs.requireReadableFile(file);
        ReadLimits limits = ReadLimits.DEFAULTS;
        Path bytes = seekable(file, limits);
        try {
            return readInputs(file, bytes, columns, keepAll, limits);
        } finally {
            forget(file, bytes);
        }
    }

    private static EncodedRows readInputs(Path file, Path bytes, Columns columns, boolean keepAll, ReadLimits limits) {
        try (InputStream raw = Files.newInputStream(bytes);
             var csv = parser(Inputs.decoded(raw, file, limits));
             CloseableIterator<CsvRecord> rows = csv.iterator()) {
            Table table = new Table(file);
            Header header = table.header(rows);
            Layout layout = Layout.of(header, columns, null, false);
            List<String> keptNames = keepAll ? header.names : layout.id() < 0 ? List.of() : List.of(header.names.get(layout.id()));
            List<List<String>> kept = new ArrayList<>();
            Cells cells = layout.cells(table, header);
            while (rows.hasNext()) {
                CsvRecord row = rows.next();
                table.checkWidth(row, header);
                limits.checkRow(file, row.getStartingLineNumber(), kept.size() + 1L,
                        keepAll ? cells.width + header.names.size() : cells.width);
                cells.add(row);
                kept.add(keepAll ? List.copyOf(row.getFields()) : layout.id() < 0 ? List.of() : List.of(row.getField(layout.id())));
            }
            if (kept.isEmpty()) {
                throw InputException.inFile(file, "has a header but no data rows; expected at least one row after line "
                        + header.line);
            }
            List<String> warnings = new ArrayList<>(layout.warnings(file, header));
            cells.unseen(file).ifPresent(warnings::add);
            return new EncodedRows(cells.features(), kept.size(), columns.featureNames(), keptNames, kept, warnings);
        } catch (IOException e) {
            throw Inputs.readFailure(file, e);
        } catch (UncheckedIOException e) {
            throw Inputs.readFailure(file, e);
        } catch (CsvParseException e) {
            throw Inputs.unreadable(file, e);
        }
    }

    /** At most 8 names, then how many there are in all. */
    private static String abbreviate(List<String> names) {
        return abbreviate(names, 8);
    }

    private static String abbreviate(List<String> names, int most) {
        // a list inside a message stays a part of one line: long names are cut too, not only many
        List<String> shown = new ArrayList<>();
        for (String name : names.subList(0, Math.min(most, names.size()))) {
            shown.add(name.length() <= 30 ? name : name.substring(0, 27) + "...");
        }
        if (names.size() > shown.size()) {
            shown.add("... (" + names.size() + " in all)");
        }
        return String.join(", ", shown);
    }

    /** Thrown inside a read when a column of numbers turns out to hold text; the read starts over. */
    private static final class TextColumn extends RuntimeException {
        final int column;

        TextColumn(int column) {
            super(null, null, false, false);
            this.column = column;
        }
    }

    /**
     * Which fields of a row are the target, the id and the inputs, and how each input is read:
     * by a fitted layout, or as training chose them (kinds then found in the file).
     */
    private record Layout(int target, int id, int[] inputs, Columns fitted, boolean[] categorical, Columns.Impute impute,
                          Set<Integer> ignored, String targetName, String idName) {
        // target and id are -1 when there is none; fitted is null when choosing, categorical and
        // impute only then; ignored are the columns nobody asked to skip, named in a warning.

        /**
         * The fields of a model's inputs, its id (where the file has it) and, when {@code labelled},
         * its target: {@code target} if given, else the target the layout names, else the last column.
         */
        static Layout of(Header header, Columns columns, String target, boolean labelled) {
            int[] inputs = new int[columns.inputs().size()];
            List<String> missing = new ArrayList<>();
            for (int j = 0; j < inputs.length; j++) {
                Integer index = header.index.get(columns.inputs().get(j).name());
                if (index == null) {
                    missing.add(columns.inputs().get(j).name());
                } else {
                    inputs[j] = index;
                }
            }
            if (!missing.isEmpty()) {
                throw InputException.atLine(header.file, header.line, "no column" + (missing.size() > 1 ? "s " : " ")
                        + abbreviate(missing.stream().map(m -> "'" + InputException.clip(m) + "'").toList()) + "; expected the model's feature columns "
                        + abbreviate(columns.names()));
            }
            int targetField = !labelled ? -1 : header.resolveTarget(target != null ? target : columns.target());
            int id = columns.id() != null && header.index.containsKey(columns.id()) ? header.index.get(columns.id()) : -1;
            Set<Integer> ignored = new TreeSet<>();
            for (int i = 0; i < header.names.size(); i++) {
                ignored.add(i);
            }
            for (int i : inputs) {
                ignored.remove(i);
            }
            ignored.remove(targetField);
            ignored.remove(id);
            if (columns.target() != null && header.index.containsKey(columns.target())) {
                ignored.remove(header.index.get(columns.target()));   // a prediction's input may well hold the answer
            }
            return new Layout(targetField, id, inputs, columns, null, null, ignored, null, null);
        }

        /** The fields training chose by {@code options}; {@code text} are columns already found to hold text. */
        static Layout chosen(Header header, CsvOptions options, Set<Integer> text) {
            ColumnChoice choice = options.choice();
            int target = header.resolveTarget(options.target());
            header.allBut(target);   // refuses a file of the target alone, in its words
            int id = choice.id() == null ? -1 : header.resolveOne("--id", choice.id());
            if (id == target) {
                throw InputException.atLine(header.file, header.line, "--id: column '" + InputException.clip(header.names.get(id))
                        + "' is the target; expected another column");
            }
            Set<Integer> skip = new TreeSet<>(header.resolve("--ignore", choice.ignore()));
            Set<Integer> chosen = new java.util.LinkedHashSet<>();
            if (choice.features() != null) {
                for (int i : header.resolve("--features", choice.features())) {
                    if (i == target || i == id) {
                        throw InputException.atLine(header.file, header.line, "--features: column '" + InputException.clip(header.names.get(i))
                                + "' is the " + (i == target ? "target" : "id column") + "; expected input columns only");
                    }
                    if (!skip.contains(i)) {
                        chosen.add(i);
                    }
                }
            } else {
                for (int i = 0; i < header.names.size(); i++) {
                    if (i != target && i != id && !skip.contains(i)) {
                        chosen.add(i);
                    }
                }
            }
            if (chosen.isEmpty()) {
                throw InputException.atLine(header.file, header.line, "no input columns left besides the target '"
                        + InputException.clip(header.names.get(target)) + "'" + (id >= 0 ? " and the id" : "") + "; expected at least one among "
                        + abbreviate(header.names));
            }
            boolean[] categorical = new boolean[header.names.size()];
            for (int i : header.resolve("--categorical", choice.categorical())) {
                if (!chosen.contains(i)) {
                    throw InputException.atLine(header.file, header.line, "--categorical: column '" + InputException.clip(header.names.get(i))
                            + "' is not an input column; expected one of " + abbreviate(chosen.stream().map(header.names::get).toList()));
                }
                categorical[i] = true;
            }
            text.forEach(i -> categorical[i] = true);
            Set<Integer> ignored = new TreeSet<>();
            if (choice.features() != null) {
                for (int i = 0; i < header.names.size(); i++) {
                    if (i != target && i != id && !skip.contains(i) && !chosen.contains(i)) {
                        ignored.add(i);
                    }
                }
            }
            return new Layout(target, id, chosen.stream().mapToInt(Integer::intValue).toArray(), null, categorical,
                    choice.impute(), ignored, header.names.get(target), id < 0 ? null : header.names.get(id));
        }

        Cells cells(Table table, Header header) {
            return new Cells(this, table, header);
        }

        List<String> warnings(Path file, Header header) {
            if (ignored.isEmpty()) {
                return List.of();
            }
            return List.of(file + ": ignoring column" + (ignored.size() > 1 ? "s " : " ")
                    + abbreviate(ignored.stream().map(header.names::get).toList()) + " (not "
                    + (fitted != null ? "among the model's inputs" : "chosen by --features") + ")");
        }
    }

    /** The input cells of every row, encoded as they are read. */
    private static final class Cells {
        final Layout layout;
        final Table table;
        final Header header;
        final FloatList features = new FloatList();
        // Choosing: per input, its categories by first appearance and each row's code.
        final List<Map<String, Integer>> codes = new ArrayList<>();
        final List<FloatList> rowCodes = new ArrayList<>();
        // Fitted: per input, its vocabulary's index, and the categories it lacks, counted.
        final List<Map<String, Integer>> vocabulary = new ArrayList<>();
        final Map<String, Map<String, Integer>> unseen = new java.util.TreeMap<>();
        final int width;

        Cells(Layout layout, Table table, Header header) {
            this.layout = layout;
            this.table = table;
            this.header = header;
            for (int j = 0; j < layout.inputs().length; j++) {
                codes.add(new HashMap<>());
                rowCodes.add(new FloatList());
                Map<String, Integer> v = new HashMap<>();
                if (layout.fitted() != null) {
                    List<String> categories = layout.fitted().inputs().get(j).categories();
                    for (int k = 0; k < categories.size(); k++) {
                        v.put(categories.get(k), k);
                    }
                }
                vocabulary.add(v);
            }
            width = layout.fitted() != null ? layout.fitted().width() : layout.inputs().length;
        }

        void add(CsvRecord row) {
            for (int j = 0; j < layout.inputs().length; j++) {
                int field = layout.inputs()[j];
                String cell = row.getField(field);
                if (layout.fitted() != null) {
                    encode(row, j, field, cell);
                } else if (layout.categorical()[field]) {
                    String category = category(row, field, cell);
                    Map<String, Integer> c = codes.get(j);
                    Integer code = c.get(category);
                    if (code == null) {
                        if (c.size() == Columns.MAX_CATEGORIES) {
                            throw InputException.atLine(table.file, row.getStartingLineNumber(), header.describe(field)
                                    + ": more than " + Columns.MAX_CATEGORIES + " distinct categories; expected fewer (an identifier"
                                    + " or free text is no feature: --id or --ignore it)");
                        }
                        code = c.size();
                        c.put(category, code);
                    }
                    rowCodes.get(j).add(code);
                } else {
                    features.add(number(row, field, cell, layout.impute() != null, null));
                }
            }
        }

        private void encode(CsvRecord row, int j, int field, String cell) {
            Columns.Column column = layout.fitted().inputs().get(j);
            if (column.kind() == Columns.Kind.NUMERIC) {
                float v = number(row, field, cell, column.fill() != null, "the model has no fill for it; train with --impute");
                features.add(Float.isNaN(v) ? column.fill() : v);
                return;
            }
            String category = category(row, field, cell);
            Integer k = vocabulary.get(j).get(category);
            for (int c = 0; c < column.categories().size(); c++) {
                features.add(k != null && c == k ? 1f : 0f);
            }
            if (k == null) {
                unseen.computeIfAbsent(column.name(), n -> new java.util.TreeMap<>()).merge(category, 1, Integer::sum);
            }
        }

        /**
         * The category a cell names, "" when it is missing. NaN and the infinities are refused here
         * as in a numeric column: whether a column is read as numbers depends on which of its cells
         * comes first, and the same cell must not be an error in one order and a category in another.
         */
        private String category(CsvRecord row, int field, String cell) {
            if (Numbers.parse(cell).problem() == Numbers.Problem.NOT_FINITE) {
                throw InputException.atLine(table.file, row.getStartingLineNumber(), header.describe(field)
                        + ": expected a category or a finite number; got '" + InputException.clip(cell.strip()) + "'");
            }
            return Columns.isMissing(cell) ? "" : cell.strip();
        }

        /** The number in a numeric cell; NaN for a missing one when {@code missingOk}. */
        private float number(CsvRecord row, int field, String cell, boolean missingOk, String noFill) {
            Numbers.Parsed p = Numbers.parse(cell);
            if (p.problem() == null) {
                return (float) p.value();
            }
            boolean missing = Columns.isMissing(cell);
            if (missing && missingOk) {
                return Float.NaN;
            }
            if (!missing && p.problem() == Numbers.Problem.NOT_A_NUMBER && layout.fitted() == null) {
                throw new TextColumn(field);
            }
            String what = missing ? "expected a number; got a missing value" + (cell.isBlank() ? "" : " '" + InputException.clip(cell.strip()) + "'")
                    + (noFill != null ? " (" + noFill + ")" : " (use --impute mean or --impute median to fill missing numbers)")
                    : p.problem() == Numbers.Problem.NOT_FINITE ? "expected a finite number; got '" + InputException.clip(cell) + "'"
                    : "expected a number; got '" + InputException.clip(cell) + "'";
            throw InputException.atLine(table.file, row.getStartingLineNumber(), header.describe(field) + ": " + what);
        }

        /** The layout the features are in: the fitted one, or every input with all its categories (sorted, missing last). */
        Columns columns(int rows) {
            if (layout.fitted() != null) {
                return layout.fitted();
            }
            List<Columns.Column> inputs = new ArrayList<>();
            for (int j = 0; j < layout.inputs().length; j++) {
                int field = layout.inputs()[j];
                String name = header.names.get(field);
                if (!layout.categorical()[field]) {
                    inputs.add(Columns.Column.numeric(name));
                    continue;
                }
                Map<String, Integer> c = codes.get(j);
                if (c.size() == rows && rows >= IDENTIFIER_ROWS && c.keySet().stream().allMatch(s -> Numbers.parse(s).problem() != null)) {
                    throw InputException.atLine(table.file, header.line, header.describe(field) + ": a different text in every one of the "
                            + rows + " rows, like an identifier; expected a feature (keep it with --id " + name + ", or --ignore " + name + ")");
                }
                List<String> sorted = new ArrayList<>(c.keySet());
                sorted.sort(Comparator.comparing((String s) -> s.isEmpty()).thenComparing(Comparator.naturalOrder()));
                inputs.add(new Columns.Column(name, Columns.Kind.CATEGORICAL, sorted, null));
            }
            return Columns.of(layout.targetName(), layout.idName(), inputs);
        }

        /** Every row's features: read, or one-hot by the sorted categories when choosing. */
        float[] features() {
            if (layout.fitted() != null || rowCodes.stream().allMatch(c -> c.size == 0)) {
                return features.toArray();
            }
            Columns columns = columns(rowsRead());
            int n = rowsRead();
            int d = columns.width();
            float[] x = new float[n * d];
            int numeric = 0;
            int numericWidth = (int) java.util.Arrays.stream(layout.inputs()).filter(f -> !layout.categorical()[f]).count();
            float[] read = features.toArray();
            int offset = 0;
            for (int j = 0; j < layout.inputs().length; j++) {
                Columns.Column column = columns.inputs().get(j);
                if (column.kind() == Columns.Kind.NUMERIC) {
                    for (int i = 0; i < n; i++) {
                        x[i * d + offset] = read[i * numericWidth + numeric];
                    }
                    numeric++;
                } else {
                    int[] position = new int[column.categories().size()];
                    Map<String, Integer> c = codes.get(j);
                    for (int k = 0; k < position.length; k++) {
                        position[c.get(column.categories().get(k))] = k;
                    }
                    FloatList r = rowCodes.get(j);
                    for (int i = 0; i < n; i++) {
                        x[i * d + offset + position[(int) r.values[i]]] = 1f;
                    }
                }
                offset += column.width();
            }
            return x;
        }

        private int rowsRead() {
            for (int j = 0; j < layout.inputs().length; j++) {
                if (layout.categorical()[layout.inputs()[j]]) {
                    return rowCodes.get(j).size;
                }
            }
            return features.size / width;
        }

        /** One line naming each category the model does not know, with its count, or nothing. */
        Optional<String> unseen(Path file) {
            if (unseen.isEmpty()) {
                return Optional.empty();
            }
            List<String> parts = new ArrayList<>();
            unseen.forEach((column, values) -> values.forEach((value, count) -> parts.add(column + " '"
                    + (value.isEmpty() ? "(missing)" : InputException.clip(value)) + "' (" + count + (count == 1 ? " row)" : " rows)"))));
            return Optional.of(file + ": categories not seen in training, encoded as all zeros: " + String.join(", ", parts));
        }
    }

    /** Fewer rows than this, all different, may be a small table's real categories rather than an identifier. */
    private static final int IDENTIFIER_ROWS = 20;

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
        return readInputs(file, Columns.numeric(featureNames), false).features();
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
                    throw InputException.atLine(file, line, "header: column '" + InputException.clip(name) + "' appears twice (fields "
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
                throw InputException.atLine(file, line, "target column index " + InputException.clip(target) + " is out of range; expected 0.."
                        + (names.size() - 1) + " for the " + names.size() + " columns " + abbreviate(names));
            }
            throw InputException.atLine(file, line, "no target column '" + InputException.clip(target)
                    + "'; expected one of the columns " + abbreviate(names) + " (or a 0-based index)");
        }

        /** The columns {@code specs} name: names, 1-based positions or ranges of them ({@code 2-5}), in order. */
        List<Integer> resolve(String flag, List<String> specs) {
            List<Integer> columns = new ArrayList<>();
            for (String spec : specs) {
                String s = spec.strip();
                int dash = s.indexOf('-', 1);
                if (!index.containsKey(s) && dash > 0 && isPosition(s.substring(0, dash)) && isPosition(s.substring(dash + 1))) {
                    int from = position(flag, s.substring(0, dash));
                    int to = position(flag, s.substring(dash + 1));
                    if (from > to) {
                        throw InputException.atLine(file, line, flag + ": range '" + InputException.clip(s) + "' runs backwards; expected FROM-TO with FROM <= TO");
                    }
                    for (int i = from; i <= to; i++) {
                        columns.add(i);
                    }
                } else {
                    columns.add(resolveOne(flag, s));
                }
            }
            return columns;
        }

        /** One column by name, else by 1-based position. */
        int resolveOne(String flag, String spec) {
            String s = spec.strip();
            Integer byName = index.get(s);
            if (byName != null) {
                return byName;
            }
            if (isPosition(s)) {
                return position(flag, s);
            }
            throw InputException.atLine(file, line, flag + ": no column '" + InputException.clip(s) + "'; expected one of the columns "
                    + abbreviate(names) + " (or a 1-based position)");
        }

        private static boolean isPosition(String s) {
            return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
        }

        private int position(String flag, String s) {
            int i;
            try {
                i = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                i = Integer.MAX_VALUE;
            }
            if (i < 1 || i > names.size()) {
                throw InputException.atLine(file, line, flag + ": column position " + s + " is out of range; expected 1.."
                        + names.size() + " for the columns " + abbreviate(names));
            }
            return i - 1;
        }

        int[] allBut(int target) {
            if (names.size() < 2) {
                throw InputException.atLine(file, line, "header has only the target column '" + InputException.clip(names.get(target))
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
            return "column '" + InputException.clip(names.get(column)) + "' (field " + (column + 1) + ")";
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
                case NOT_A_NUMBER -> "expected a number; got '" + InputException.clip(cell) + "'";
                case NOT_FINITE -> "expected a finite number; got '" + InputException.clip(cell) + "'";
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
                    throw InputException.atLine(file, lines.get(i), column + ": label '" + InputException.clip(cells.get(i))
                            + "' is not a class the model knows; expected one of " + abbreviate(classes, 12));
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
                case NOT_A_NUMBER -> "expected a number as the regression target; got '" + InputException.clip(cells.get(i)) + "'";
                case NOT_FINITE -> "expected a finite number as the target; got '" + InputException.clip(cells.get(i)) + "'";
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
            if (p.problem() == Numbers.Problem.NOT_FINITE) {
                // as infer() refuses it when it comes before the first class name: the same error in any row order
                finite(i);
            }
            return cell;
        }

        private List<String> sortedClasses(List<String> names) {
            TreeSet<String> distinct = new TreeSet<>(names);
            if (distinct.size() < 2) {
                throw InputException.inFile(file, column + ": classification needs at least 2 classes; got only '"
                        + InputException.clip(distinct.first()) + "' in all " + names.size() + " rows");
            }
            boolean numeric = distinct.stream().allMatch(s -> Numbers.parse(s).problem() == null);
            Comparator<String> order = numeric
                    ? Comparator.comparingDouble(s -> Numbers.parse(s).value())
                    : Comparator.naturalOrder();
            return distinct.stream().sorted(order).toList();
        }
    }

    /** A growable float array, so reading does not box every cell (category codes too: below 2^24, they are exact). */
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
