package backprop.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and reading on small exact cases, one behaviour each. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void writesTheLayoutOfTheFormatByteForByte() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.wrap(new float[] {1.5f, -2f}, 2));
        tensors.put("b", Tensor.wrap(new double[] {0.25}));
        SafeTensors.write(file, tensors, Map.of("format", "pt"));

        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = in.getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(n % 8).as("header padded to 8 bytes").isZero();
        assertThat(header.stripTrailing()).isEqualTo("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[8,16]}}");
        in.position(8 + (int) n);
        assertThat(in.getFloat()).isEqualTo(1.5f);
        assertThat(in.getFloat()).isEqualTo(-2f);
        assertThat(in.getDouble()).isEqualTo(0.25);
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void readsBackNamesInOrderDtypesShapesValuesAndMetadata() {
        Path file = dir.resolve("m.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.last-in-the-alphabet", Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("a.first", Tensor.wrap(new double[] {-0.0, Double.NaN}, 2, 1));
        tensors.put("empty", Tensor.zeros(DType.FLOAT32, 0, 3));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("program", "backprop4j 0.1.0");
        metadata.put("nicht ascii", "größe ✓");
        SafeTensors.write(file, tensors, metadata);

        Map<String, Tensor> back = SafeTensors.read(file);
        assertThat(back.keySet()).containsExactly("z.last-in-the-alphabet", "a.first", "empty");
        Tensor w = back.get("z.last-in-the-alphabet");
        assertThat(w.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(w.shape()).containsExactly(2, 3);
        assertThat(w.floatData()).containsExactly(1, 2, 3, 4, 5, 6);
        Tensor a = back.get("a.first");
        assertThat(a.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(Double.doubleToRawLongBits(a.doubleData()[0])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(a.doubleData()[1]).isNaN();
        assertThat(back.get("empty").shape()).containsExactly(0, 3);
        assertThat(SafeTensors.readMetadata(file)).containsExactlyEntriesOf(metadata);
    }

    @Test
    void anEmptyMapMakesAValidFile() {
        Path file = dir.resolve("none.safetensors");
        SafeTensors.write(file, Map.of());
        assertThat(SafeTensors.read(file)).isEmpty();
        assertThat(SafeTensors.readMetadata(file)).isEmpty();
    }

    @Test
    void tensorsLargerThanOneChunkSurviveWholeAndReadTensorsAreIndependentLeaves() {
        Path file = dir.resolve("big.safetensors");
        float[] f = new float[100_003];
        double[] d = new double[50_001];
        for (int i = 0; i < f.length; i++) {
            f[i] = i * 0.5f - 7;
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.sqrt(i);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("f", Tensor.wrap(f, f.length));
        tensors.put("d", Tensor.wrap(d, 3, 16_667));
        SafeTensors.write(file, tensors);

        Map<String, Tensor> back = SafeTensors.read(file);
        assertThat(back.get("f").floatData()).isEqualTo(f).isNotSameAs(f);
        assertThat(back.get("d").doubleData()).isEqualTo(d);
        assertThat(back.get("f").requiresGrad()).isFalse();
    }

    @Test
    void callerMistakesAreIllegalArguments() {
        Path file = dir.resolve("x.safetensors");
        assertThatThrownBy(() -> SafeTensors.write(file, Map.of("__metadata__", Tensor.scalar(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SafeTensors.write: __metadata__ is reserved for the metadata; got it as a tensor name");
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThatThrownBy(() -> SafeTensors.write(file, Map.of(), nullValue))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SafeTensors.write: metadata keys and values must not be null; got k -> null");
        assertThat(file).doesNotExist();
    }
}
