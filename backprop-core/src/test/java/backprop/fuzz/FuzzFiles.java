package backprop.fuzz;

import backprop.InputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the readers' fuzz tests share. Each reader, given any bytes, returns data or throws
 * {@link InputException}: never another exception, never an allocation sized by an unchecked
 * header. One class per reader, since Jazzer fuzzes one test per JVM and bin/fuzz runs them in
 * parallel forks; plain test runs replay each seed corpus.
 */
final class FuzzFiles {
    private static final Path DIR = folder();

    private FuzzFiles() {}

    /** Runs {@code read}; an {@link InputException} is the documented refusal, anything else a finding. */
    static void readOrRefuse(Runnable read) {
        try {
            read.run();
        } catch (InputException documented) {
            // bad input, reported with the file and what was expected
        }
    }

    /**
     * {@code bytes} written to {@code name} (which may hold a folder) in this run's folder: one
     * file per name, rewritten for every input, as a fresh temporary folder per input cost most of
     * each execution.
     */
    static Path write(String name, byte[] bytes) {
        try {
            Path file = DIR.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path folder() {
        try {
            Path dir = Files.createTempDirectory("backprop-fuzz");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (var all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is no reason to fail the run
        }
    }
}
