package backprop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ```java block of the README is a complete program: compiled here as it stands, against
 * the library's classes, with every lint but [try] (a GradMode scope is never referenced, by design)
 * as an error, and run. An example that stops compiling or throws fails the build.
 */
class ReadmeTest {
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

    static Map<String, String> examples() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Map<String, String> programs = new LinkedHashMap<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            Matcher name = CLASS.matcher(m.group(1));
            assertThat(name.find()).as("every Java block of the README is a complete public class:%n%s", m.group(1)).isTrue();
            programs.put(name.group(1), m.group(1));
        }
        return programs;
    }

    @Test
    void everyJavaExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
        Map<String, String> programs = examples();
        assertThat(programs).containsKeys("IrisLoop", "TrainDigits", "PredictDigits", "Autograd");
        List<String> files = new ArrayList<>();
        for (var e : programs.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".java");
            Files.writeString(file, e.getValue());
            files.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
                "-Xlint:all,-try", "-Werror"));
        args.addAll(files);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertThat(status).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        try (var loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            for (String name : programs.keySet()) {
                String out = run(loader.loadClass(name).getMethod("main", String[].class), dir);
                if (name.equals("IrisLoop")) {
                    assertThat(number(out, "training accuracy")).isGreaterThanOrEqualTo(0.95);
                }
                if (name.equals("TrainDigits")) {
                    assertThat(number(out, "test accuracy")).isGreaterThanOrEqualTo(0.95);
                    assertThat(dir.resolve("digits-model").resolve("model.json")).exists();
                }
                if (name.equals("PredictDigits")) {
                    assertThat(out).matches("(?s)\\d \\[.*\\]\\s*");
                }
            }
        }
    }

    private static double number(String out, String label) {
        return Double.parseDouble(out.replaceAll("(?s).*" + label + " ([0-9.]+).*", "$1"));
    }

    private static String run(Method main, Path dir) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.invoke(null, (Object) new String[] {dir.toString()});
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
