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

    /**
     * Checks that the two folders every lookup needs are given.
     *
     * @param dataDir the one IDX folder to look in, or null
     * @param dataHome the folder of data set subfolders, or null
     * @param systemDir the system's data set folder; not null
     * @param seed the generated sources' seed
     * @param csv how to read a CSV source; not null
     * @throws NullPointerException if {@code systemDir} or {@code csv} is null
     */

    public DataOptions {
        java.util.Objects.requireNonNull(systemDir, "DataOptions: systemDir");
        java.util.Objects.requireNonNull(csv, "DataOptions: csv");
    }

    /**
     * Takes {@link #dataHome()} from {@code $BACKPROP_DATA}.
     *
     * @param environment the variables to read, {@code System.getenv()} in a program; an unset or
     *     blank variable means no data home
     * @return these options with {@code dataHome} replaced
     */
    public DataOptions withEnvironment(Map<String, String> environment) {
        String home = environment.get(ENV);
        return new DataOptions(dataDir, home == null || home.isBlank() ? null : Path.of(home), systemDir, seed, csv);
    }

    /**
     * @param dataDir the one folder to look in for an IDX data set; {@code null} for none
     * @return these options with {@code dataDir} replaced
     */
    public DataOptions withDataDir(Path dataDir) {
        return new DataOptions(dataDir, dataHome, systemDir, seed, csv);
    }

    /**
     * @param systemDir the system's data set folder, not null
     * @return these options with {@code systemDir} replaced
     */
    public DataOptions withSystemDir(Path systemDir) {
        return new DataOptions(dataDir, dataHome, systemDir, seed, csv);
    }

    /**
     * @param seed the seed of the generated sources
     * @return these options with {@code seed} replaced
     */
    public DataOptions withSeed(long seed) {
        return new DataOptions(dataDir, dataHome, systemDir, seed, csv);
    }

    /**
     * @param csv how to read a CSV source, not null
     * @return these options with {@code csv} replaced
     */
    public DataOptions withCsv(CsvOptions csv) {

        return new DataOptions(dataDir, dataHome, systemDir, seed, csv);
    }
}
