package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus (src/test/resources/corpus), each case run through {@code bin/backprop}
 * as a user runs it, in a folder holding only its files. Every case must end in exit status 2
 * (1 for the few a case marks as a failed run) and one message of under 300 characters that
 * starts by naming the file and line (or the flag) and says what was expected: no stack trace,
 * nothing on standard output, and no file written or changed, not even half of one.
 *
 * <p>A process costs most of a second, so the cases run two at a time from the start, and each
 * test waits for its own.
 */
class CorpusTest {
    /** Lines one message may take: a calculator error with its source line and caret, a not-found list; never a log. */
    private static final int MAX_MESSAGE_LINES = 5;
    /** Characters the message's own line may take: it quotes at most 100 of the user's (InputException.QUOTED). */
    private static final int MAX_MESSAGE = 300;

    static final List<Corpus.Case> ALL = Corpus.read(resource("corpus"));
    static final Map<String, Corpus.Case> FIXTURES = ALL.stream().filter(c -> c.name().startsWith("@"))
            .collect(Collectors.toMap(Corpus.Case::name, Function.identity()));

    @TempDir
    static Path root;

    private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
    private static final Map<Corpus.Case, Future<Outcome>> RUNS = new ConcurrentHashMap<>();

    record Outcome(int status, String out, String err, Map<String, Integer> before, Map<String, Integer> after) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Stream<Corpus.Case> cases() {
        return ALL.stream().filter(c -> !c.name().startsWith("@"));
    }

    @BeforeAll
    static void startEveryCase() {
        assumeTrue(Files.isExecutable(ProcessTest.SCRIPT) && Files.isDirectory(ProcessTest.MODULE.resolve("target/lib")),
                "bin/backprop and target/lib are there once the module was packaged (mvn install)");
        List<Corpus.Case> cases = cases().toList();
        for (int i = 0; i < cases.size(); i++) {
            Corpus.Case c = cases.get(i);
            Path folder = root.resolve("case-" + i);
            RUNS.put(c, POOL.submit(() -> run(c, folder)));
        }
    }

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithOneMessageAndNothingWritten(Corpus.Case c) throws Exception {
        Outcome run = RUNS.get(c).get(2, TimeUnit.MINUTES);
        assertThat(run.status()).as(run.toString()).isEqualTo(c.status());
        assertThat(run.err()).as(run.toString()).startsWith(c.starts()).endsWith("\n")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.err().lines().findFirst().orElse("")).as("the message itself, before any source line").hasSizeLessThan(MAX_MESSAGE);
        for (String words : c.says()) {
            assertThat(run.err()).as(run.toString()).contains(words);
        }
        assertThat(run.err().lines().count()).as(run.toString()).isLessThanOrEqualTo(MAX_MESSAGE_LINES);
        assertThat(run.out()).as(run.toString()).isEmpty();
        assertThat(run.after()).as("the case's folder after the run: nothing written or changed").isEqualTo(run.before());
    }

    private static Outcome run(Corpus.Case c, Path folder) throws IOException, InterruptedException {
        Files.createDirectories(folder);
        c.writeInto(folder, FIXTURES);
        Map<String, Integer> before = contents(folder);
        List<String> command = new ArrayList<>(List.of(ProcessTest.SCRIPT.toString()));
        command.addAll(c.args());
        Path out = folder.resolveSibling(folder.getFileName() + ".out");
        Path err = folder.resolveSibling(folder.getFileName() + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("BACKPROP_NO_BUILD", "1");   // Maven owns target/ while the tests run
        // Refusals run for well under a second: the quick compiler alone, with one thread for it and one
        // for the collector, starts them sooner, two at a time on two cores. No case may find data
        // outside its folder.
        pb.environment().put("BACKPROP_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ParallelGCThreads=1 -XX:-UsePerfData");
        pb.environment().put("BACKPROP_DATA", folder.resolve("no-data-home").toString());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(c + ": still running after a minute");
        }
        return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8),
                before, contents(folder));
    }

    /** Every file and folder below {@code folder}, with a hash of each file's bytes. */
    private static Map<String, Integer> contents(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            Map<String, Integer> out = new TreeMap<>();
            for (Path p : all.toList()) {
                out.put(folder.relativize(p).toString(), Files.isDirectory(p) ? 0 : Arrays.hashCode(Files.readAllBytes(p)));
            }
            return out;
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(CorpusTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
