package backprop.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@link DataSources} looks for files and how it generates data.
 *
 * @param dataDir   {@code --data-dir}: the folder holding an IDX data set's files (or its
 *                  {@code <name>} subfolder); when given, the only place looked in. {@code null} if not given.
 * @param dataHome  {@code $BACKPROP_DATA}: a folder with one subfolder per data set; {@code null} if unset
 * @param systemDir the system's data set folder, {@code /usr/share/datasets} (Debian's dataset packages)
 * @param seed      the run's seed, for the generated sources (xor, spirals)
 * @param csv       how to read a CSV source
 */
public record DataOptions(Path dataDir, Path dataHome, Path systemDir, long seed, CsvOptions csv) {
    /** The environment variable naming {@link #dataHome()}. */
    public static final String ENV = "BACKPROP_DATA";

    /** No --data-dir, no $BACKPROP_DATA, {@code /usr/share/datasets}, seed 1, CSV defaults. */
    public static final DataOptions DEFAULTS =
            new DataOptions(null, null, Path.of("/usr/share/datasets"), 1, CsvOptions.DEFAULTS);

    public DataOptions {
        java.util.Objects.requireNonNull(systemDir, "DataOptions: systemDir");
        java.util.Objects.requireNonNull(csv, "DataOptions: csv");
    }

    /** Takes {@link #dataHome()} from {@code $BACKPROP_DATA} in {@code environment} (pass {@code System.getenv()}). */
    public DataOptions withEnvironment(Map<String, String> environment) {
        String home = environment.get(ENV);
        return new DataOptions(dataDir, home == null || home.isBlank() ? null : Path.of(home), systemDir, seed, csv);
    }

    public DataOptions withDataDir(Path dataDir) {
        return new DataOptions(dataDir, dataHome, systemDir, seed, csv);
    }

    public DataOptions withSystemDir(Path systemDir) {
        return new DataOptions(dataDir, dataHome, systemDir, seed, csv);
    }

    public DataOptions withSeed(long seed) {
        return new DataOptions(dataDir, dataHome, systemDir, seed, csv);
    }

    public DataOptions withCsv(CsvOptions csv) {
        return new DataOptions(dataDir, dataHome, systemDir, seed, csv);
    }
}
