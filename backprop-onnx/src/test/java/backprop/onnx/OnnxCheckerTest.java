package backprop.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The ONNX project's own checker accepts every file {@link OnnxRuntimeTest} exported: it runs
 * tools/onnx/check_onnx.py when /usr/bin/python3 has the onnx package (Debian's python3-onnx,
 * installed by bin/setup), and is skipped where it has not.
 */
class OnnxCheckerTest {
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void theOnnxCheckerAcceptsEveryExportedFile() throws Exception {
        assumeTrue(run(PYTHON, "-c", "import onnx.checker").exit() == 0, "no onnx package for " + PYTHON + " (apt-get install python3-onnx)");
        if (!Files.exists(OnnxRuntimeTest.EXPORTS.resolve("ort.md"))) {
            new OnnxRuntimeTest().everyArchitectureAndTaskRunsInOnnxRuntimeAsPredictDoes();
        }
        Result r = run(PYTHON, Path.of("..", "tools", "onnx", "check_onnx.py").toString(), OnnxRuntimeTest.EXPORTS.toString());
        System.out.println(r.output().lines().reduce((a, b) -> b).orElse(""));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("50 of 50 files pass");
    }

    private record Result(int exit, String output) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(command[0]))) {
            return new Result(127, command[0] + " is missing");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
