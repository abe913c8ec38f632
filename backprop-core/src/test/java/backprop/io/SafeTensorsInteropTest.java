package backprop.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import backprop.tensor.DType;
import backprop.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The format as other tools see it: {@code reference.safetensors} was written by the reference
 * implementation ({@code tools/safetensors/make_fixtures.py}), and a file written here is read
 * back in Python when PyTorch is installed ({@code /usr/bin/python3}, or the interpreter named by
 * the system property {@code backprop.python}, say a virtual environment with the reference
 * {@code safetensors} package, which the check then uses).
 */
class SafeTensorsInteropTest {
    /** The check script's exit status when PyTorch is missing. */
    private static final int NO_TORCH = 77;

    private static final Path PYTHON = Path.of(System.getProperty("backprop.python", "/usr/bin/python3"));

    @TempDir
    Path dir;

    @Test
    void readsTheReferenceFileBitForBit() throws IOException {
        Map<String, Tensor> tensors = SafeTensors.read(resource("reference.safetensors"));
        JsonNode expected = Json.MAPPER.readTree(resource("reference.expected.json").toFile());
        assertThat(tensors.keySet()).containsExactlyInAnyOrderElementsOf(() -> expected.fieldNames());
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Tensor t = tensors.get(e.getKey());
            assertThat(SafeTensorsHeader.code(t.dtype())).as(e.getKey()).isEqualTo(e.getValue().get("dtype").textValue());
            assertThat(t.shape()).as(e.getKey()).containsExactly(Json.MAPPER.convertValue(e.getValue().get("shape"), int[].class));
            assertThat(bits(t)).as(e.getKey()).containsExactly(Json.MAPPER.convertValue(e.getValue().get("bits"), String[].class));
        }
        assertThat(SafeTensors.readMetadata(resource("reference.safetensors")))
                .containsEntry("format", "pt")
                .containsEntry("note", "written by safetensors.torch.save_file");
    }

    @Test
    void rewritingTheReferenceFileInItsOrderGivesTheSameBytes() throws IOException {
        Path reference = resource("reference.safetensors");
        Path copy = dir.resolve("copy.safetensors");
        SafeTensors.write(copy, SafeTensors.read(reference), SafeTensors.readMetadata(reference));
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(reference));
    }

    @Test
    void aFileWrittenHereReadsInPython() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), PYTHON + " is not installed");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("0.weight", Tensor.wrap(new float[] {1.5f, -0f, Float.intBitsToFloat(0x7fc00042), Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 3}, 3, 2));
        tensors.put("0.bias", Tensor.wrap(new float[] {0.1f, 0.2f}, 2));
        tensors.put("1.weight", Tensor.wrap(new double[] {Math.PI, -0.0, Double.longBitsToDouble(0x7ff8000000000777L), Double.MAX_VALUE}, 1, 4));
        tensors.put("scalar", Tensor.scalar(Math.E));
        tensors.put("empty", Tensor.zeros(DType.FLOAT64, 2, 0));
        Path file = dir.resolve("java.safetensors");
        SafeTensors.write(file, tensors, Map.of("written_by", "backprop4j"));

        ObjectNode expected = Json.MAPPER.createObjectNode();
        tensors.forEach((name, t) -> {
            ObjectNode entry = expected.putObject(name);
            entry.put("dtype", SafeTensorsHeader.code(t.dtype()));
            entry.set("shape", Json.MAPPER.valueToTree(t.shape()));
            entry.set("bits", Json.MAPPER.valueToTree(bits(t)));
        });
        Path expectedFile = dir.resolve("java.expected.json");
        AtomicFiles.writeJson(expectedFile, expected);

        Path output = dir.resolve("python.out");
        int status = run(output, PYTHON.toString(), resource("check_safetensors.py").toString(), file.toString(), expectedFile.toString());
        assumeTrue(status != NO_TORCH, PYTHON + " has no PyTorch");
        assertThat(Files.readString(output)).as("exit status %d", status).startsWith("ok");
        assertThat(status).isZero();
    }

    /** Values as the fixture writes them: hexadecimal bit patterns, so NaN payloads compare exactly. */
    static String[] bits(Tensor t) {
        if (t.dtype() == DType.FLOAT32) {
            float[] f = t.floatData();
            String[] out = new String[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = "%08x".formatted(Float.floatToRawIntBits(f[i]));
            }
            return out;
        }
        double[] d = t.doubleData();
        String[] out = new String[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = "%016x".formatted(Double.doubleToRawLongBits(d[i]));
        }
        return out;
    }

    static Path resource(String name) {
        try {
            return Path.of(SafeTensorsInteropTest.class.getResource("/io/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static int run(Path output, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": did not finish in 120 s; output: "
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        return p.exitValue();
    }
}
