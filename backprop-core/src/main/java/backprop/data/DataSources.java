package backprop.data;

import backprop.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The data sources {@code --data} names: the built-in ones and CSV files.
 *
 * <ul>
 *   <li>{@code digits}: 1,797 handwritten digits, 8x8 pixels valued 0..16, 10 classes; the test set
 *       of the UCI <i>Optical Recognition of Handwritten Digits</i> data (E. Alpaydin, C. Kaynak,
 *       1998), shipped in the jar as taken from Debian's {@code python3-sklearn}.</li>
 *   <li>{@code iris}: Fisher's 150 iris flowers, 4 measurements, 3 species, shipped likewise.</li>
 *   <li>{@code xor}: {@value #XOR_POINTS} noisy XOR points, generated from the seed.</li>
 *   <li>{@code spirals}: {@value #SPIRAL_POINTS} points on 2 interleaved spirals, generated from the seed.</li>
 *   <li>{@code fashion-mnist}, {@code mnist}: 60,000 + 10,000 images of 28x28, 10 classes, read as IDX
 *       files from {@code --data-dir}, else {@code $BACKPROP_DATA/<name>}, else
 *       {@code /usr/share/datasets/<name>}.</li>
 * </ul>
 * Both digits and iris are licensed by the UCI Machine Learning Repository under CC BY 4.0; see
 * {@code backprop/data/README.md} in the jar for the sources and what was changed. Only the
 * IDX sources have an official test split; for the others {@link LoadedData#test()} is empty.
 */
public final class DataSources {
    /** The built-in names, in the order {@code backprop datasets} lists them. */
    public static final List<String> BUILTIN = List.of("digits", "iris", "xor", "spirals", "fashion-mnist", "mnist");

    /** The built-in sources whose features are the pixels of an image, all on one scale. */
    public static final Set<String> IMAGES = Set.of("digits", "fashion-mnist", "mnist");

    static final int XOR_POINTS = 1000;
    static final double XOR_NOISE = 0.05;
    static final int SPIRAL_POINTS = 2000;
    static final int SPIRAL_ARMS = 2;
    static final double SPIRAL_TURNS = 1.5;
    static final double SPIRAL_NOISE = 0.02;

    /** Fashion-MNIST's labels 0..9, from its README. */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final List<String> DIGIT_CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private DataSources() {}

    /**
     * Loads {@code source}: a built-in name from {@link #BUILTIN}, or a path to a CSV file read
     * with {@code options.csv()}.
     *
     * @param source a built-in name or a CSV file's path
     * @param options where to look for files, the seed of the generated sources, how to read a CSV
     * @return the data, with a test split when the source has one (the IDX data sets), a
     *     description and a digest of the files read
     * @throws InputException if the name is neither built in nor an existing file, if an IDX data
     *     set is not found (the message lists every folder looked in and how to get it), or for any
     *     problem with the files
     */
    public static LoadedData load(String source, DataOptions options) {
        return switch (source) {
            case "digits" -> resource("digits", "digits.csv.gz");
            case "iris" -> resource("iris", "iris.csv");
            case "xor" -> generated("xor (generated: " + XOR_POINTS + " points, noise " + XOR_NOISE + ", seed "
                    + options.seed() + ")", Generators.xor(XOR_POINTS, XOR_NOISE, new SplittableRandom(options.seed())));
            case "spirals" -> generated("spirals (generated: " + SPIRAL_POINTS + " points, " + SPIRAL_ARMS + " arms, "
                    + SPIRAL_TURNS + " turns, noise " + SPIRAL_NOISE + ", seed " + options.seed() + ")",
                    Generators.spirals(SPIRAL_POINTS, SPIRAL_ARMS, SPIRAL_TURNS, SPIRAL_NOISE,
                            new SplittableRandom(options.seed())));
            case "fashion-mnist" -> idx("fashion-mnist", FASHION_CLASSES, options);
            case "mnist" -> idx("mnist", DIGIT_CLASSES, options);
            default -> csv(source, options.csv());
        };
    }

    /**
     * {@return one entry per built-in source, in {@link #BUILTIN}'s order, with where it would be
     * read from under {@code options} and whether it is there} Reads no data, only looks for files.
     *
     * @param options where to look for files
     */
    public static List<SourceInfo> list(DataOptions options) {
        List<SourceInfo> out = new ArrayList<>();
        out.add(new SourceInfo("digits", "8x8 handwritten digits (UCI, CC BY 4.0)", "1,797 rows, 64 features, 10 classes",
                "built in", true));
        out.add(new SourceInfo("iris", "Fisher's iris flowers (UCI, CC BY 4.0)", "150 rows, 4 features, 3 classes",
                "built in", true));
        out.add(new SourceInfo("xor", "noisy XOR in 2-D", XOR_POINTS + " rows, 2 features, 2 classes",
                "generated from --seed", true));
        out.add(new SourceInfo("spirals", "two interleaved spirals in 2-D", SPIRAL_POINTS + " rows, 2 features, 2 classes",
                "generated from --seed", true));
        out.add(idxInfo("fashion-mnist", "Zalando's Fashion-MNIST clothing images", options));
        out.add(idxInfo("mnist", "MNIST handwritten digits", options));
        return out;
    }

    private static SourceInfo idxInfo(String name, String description, DataOptions options) {
        String size = "60,000 + 10,000 test rows, 784 features (28x28), 10 classes";
        Search search = search(name, options);
        return search.found != null
                ? new SourceInfo(name, description, size, search.found.toString(), true)
                : new SourceInfo(name, description, size, "not found; looked in " + String.join(", ", search.looked), false);
    }

    private static LoadedData resource(String name, String file) {
        // Messages about a resource name it as the jar does; they would mean a broken build.
        Path shown = Path.of("backprop/data/" + file);
        try (InputStream in = DataSources.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new AssertionError("built-in data missing from the jar: " + shown);
            }
            CsvReader.Result r = CsvReader.read(in, shown, CsvOptions.DEFAULTS.withTask(Task.CLASSIFICATION));
            return new LoadedData(r.data(), Optional.empty(), name + " (built in)", r.sha256());
        } catch (IOException e) {
            throw new AssertionError("cannot read built-in data " + shown, e);
        }
    }

    private static LoadedData generated(String description, Dataset data) {
        MessageDigest digest = Inputs.sha256();
        float[] x = data.features();
        int[] y = data.labels();
        ByteBuffer bytes = ByteBuffer.allocate(4 * (x.length + y.length)).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(x);
        bytes.position(4 * x.length);
        bytes.asIntBuffer().put(y);
        digest.update(bytes.array());
        return new LoadedData(data, Optional.empty(), description, Inputs.hex(digest));
    }

    private static LoadedData csv(String source, CsvOptions options) {
        Path file;
        try {
            file = Path.of(source);
        } catch (InvalidPathException e) {
            file = null;
        }
        if (file == null || !Files.exists(file)) {
            throw new InputException("--data " + source + ": no built-in data set of that name and no such file;"
                    + " expected one of " + String.join(", ", BUILTIN) + ", or a path to a .csv file");
        }
        CsvReader.Result r = CsvReader.readWithDigest(file, options);
        return new LoadedData(r.data(), Optional.empty(), file.toAbsolutePath().normalize().toString(), r.sha256(),
                r.columns(), r.warnings());
    }

    private static LoadedData idx(String name, List<String> classes, DataOptions options) {
        Search search = search(name, options);
        if (search.found == null) {
            throw new InputException(name + ": not found. Looked in:" + System.lineSeparator() + "  "
                    + String.join(System.lineSeparator() + "  ", search.why) + System.lineSeparator()
                    + howToGet(name));
        }
        Path[] files = IDX_FILES.stream().map(f -> idxFile(search.found, f)).toArray(Path[]::new);
        MessageDigest digest = Inputs.sha256();
        Dataset train = IdxReader.read(files[0], files[1], classes, digest);
        Dataset test = IdxReader.read(files[2], files[3], classes, digest);
        return new LoadedData(train, Optional.of(test), name + " (" + search.found.toAbsolutePath() + ")",
                Inputs.hex(digest));
    }

    /**
     * {@return how to get an IDX data set, as one or two sentences for a person}
     *
     * @param name {@code fashion-mnist}; any other name gets the advice for {@code mnist}
     */
    public static String howToGet(String name) {

        String files = String.join(", ", IDX_FILES) + " (each may end in .gz)";
        return name.equals("fashion-mnist")
                ? "Get it with `apt-get install dataset-fashion-mnist` (Debian, Ubuntu), or put " + files
                        + " in one of those folders, or pass --data-dir DIR."
                : "Download " + files + " (from https://yann.lecun.com/exdb/mnist/ or a mirror) into $"
                        + DataOptions.ENV + "/mnist, or pass --data-dir DIR.";
    }

    /** The folders tried for an IDX data set, why each failed, and the first that has all four files. */
    private static final class Search {
        final List<String> looked = new ArrayList<>();
        final List<String> why = new ArrayList<>();
        Path found;

        void tryFolder(Path folder, String label) {
            if (found != null) {
                return;
            }
            looked.add(folder.toString());
            if (!Files.isDirectory(folder)) {
                why.add(folder + " (" + label + "): no such folder");
                return;
            }
            List<String> missing = IDX_FILES.stream().filter(f -> idxFile(folder, f) == null).toList();
            if (missing.isEmpty()) {
                found = folder;
            } else {
                why.add(folder + " (" + label + "): no " + String.join(", ", missing.stream().map(m -> m + "[.gz]").toList()));
            }
        }
    }

    private static Search search(String name, DataOptions options) {
        Search s = new Search();
        if (options.dataDir() != null) {
            // An explicit --data-dir is the only place looked: falling back elsewhere would hide a typo.
            s.tryFolder(options.dataDir(), "--data-dir");
            s.tryFolder(options.dataDir().resolve(name), "--data-dir");
            return s;
        }
        if (options.dataHome() != null) {
            s.tryFolder(options.dataHome().resolve(name), "$" + DataOptions.ENV);
        } else {
            s.why.add("$" + DataOptions.ENV + "/" + name + ": " + DataOptions.ENV + " is not set");
        }
        s.tryFolder(options.systemDir().resolve(name), "system data sets");
        return s;
    }

    /**
     * The file for one IDX name in {@code folder}, or {@code null}: the official name, gzipped or
     * not, or with a dot before "idx" as some mirrors spell it ({@code train-images.idx3-ubyte}).
     */
    private static Path idxFile(Path folder, String name) {
        String dotted = name.replace("-idx", ".idx");
        for (String candidate : List.of(name + ".gz", name, dotted + ".gz", dotted)) {
            Path file = folder.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }
}
