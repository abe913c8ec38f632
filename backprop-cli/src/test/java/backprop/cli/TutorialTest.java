package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/tutorial.md is produced by the tool: every block after {@code <!-- run: grad ... -->} is
 * what that command prints (standard output, then standard error), every block after
 * {@code <!-- program: examples/NAME.bp -->} is that file, and every block after
 * {@code <!-- file: NAME.bp -->} is a program the tutorial writes itself, run from a scratch
 * folder. The test regenerates them all and fails when the document is stale; run it with
 * {@code -Dtutorial.update=true} to rewrite the document instead.
 */
class TutorialTest {
    private static final Path ROOT = Path.of("..");
    private static final Path DOC = ROOT.resolve("docs/tutorial.md");
    private static final Path SCRATCH = Path.of("target/tutorial");
    private static final Pattern BLOCK = Pattern.compile("<!-- (run|program|file): ([^>]*?) -->\\n```[a-z]*\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyOutputInTheTutorialIsWhatTheToolPrints() throws IOException {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Files.createDirectories(SCRATCH);
        Matcher m = BLOCK.matcher(doc);
        StringBuilder fresh = new StringBuilder();
        int blocks = 0;
        while (m.find()) {
            String kind = m.group(1);
            String what = m.group(2).strip();
            String text = switch (kind) {
                case "program" -> Files.readString(ROOT.resolve(what), StandardCharsets.UTF_8);
                case "file" -> {
                    Files.writeString(SCRATCH.resolve(what), m.group(3), StandardCharsets.UTF_8);
                    yield m.group(3);
                }
                default -> run(what);
            };
            m.appendReplacement(fresh, Matcher.quoteReplacement("<!-- " + kind + ": " + what + " -->\n```\n" + text + "```"));
            blocks++;
        }
        m.appendTail(fresh);
        assertThat(blocks).as("blocks in %s", DOC).isGreaterThan(10);
        if (Boolean.getBoolean("tutorial.update")) {
            Files.writeString(DOC, fresh.toString(), StandardCharsets.UTF_8);
        }
        assertThat(doc).as("%s is stale: regenerate it with -Dtutorial.update=true", DOC).isEqualTo(fresh.toString());
    }

    /** {@code grad ARGS} with examples/ read from the repository and other files from the scratch folder, as the doc writes them. */
    private static String run(String command) {
        String[] args = command.split(" ");
        for (int i = 1; i < args.length; i++) {
            if (args[i].endsWith(".bp")) {
                args[i] = (args[i].startsWith("examples/") ? ROOT.resolve(args[i]) : SCRATCH.resolve(args[i])).toString();
            }
        }
        Cli r = Cli.run(args);
        String shown = r.out() + r.err() + (r.status() == 0 ? "" : "(exit status " + r.status() + ")\n");
        return shown.replace(ROOT.resolve("examples") + "/", "examples/").replace(SCRATCH + "/", "");
    }
}
