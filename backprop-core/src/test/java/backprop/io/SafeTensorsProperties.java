package backprop.io;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.InputException;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Round trips of random tensors, bit for bit, and random damage to valid files, which must be
 * read or refused with an {@link InputException}, never with anything else.
 */
class SafeTensorsProperties {
    private static Path dir;

    /** Bit patterns that ordinary random values rarely hit: -0.0, NaNs with payloads (quiet and signalling), infinities, subnormals. */
    private static final List<Integer> SPECIAL_FLOATS = List.of(
            0x80000000, 0x7fc00000, 0x7fc00123, 0xffc00001, 0x7f800001, 0x7f800000, 0xff800000, 0x00000001, 0x7f7fffff);
    private static final List<Long> SPECIAL_DOUBLES = List.of(
            0x8000000000000000L, 0x7ff8000000000000L, 0x7ff8000000000123L, 0xfff0000000000001L, 0x7ff0000000000001L,
            0x7ff0000000000000L, 0xfff0000000000000L, 0x0000000000000001L, 0x7fefffffffffffffL);

    /** Fewer tries than usual: each write forces the file and its folder to the disk. */
    @Property(tries = 100)
    void writeThenReadGivesTheSameTensorsBitForBit(@ForAll("tensorMaps") Map<String, Tensor> tensors,
                                                   @ForAll("metadata") Map<String, String> metadata) {
        Path file = scratch("roundtrip.safetensors");
        SafeTensors.write(file, tensors, metadata);

        Map<String, Tensor> back = SafeTensors.read(file);
        assertThat(back.keySet()).containsExactlyElementsOf(tensors.keySet());
        tensors.forEach((name, t) -> {
            Tensor r = back.get(name);
            assertThat(r.dtype()).as(name).isEqualTo(t.dtype());
            assertThat(r.shape()).as(name).isEqualTo(t.shape());
            assertThat(SafeTensorsInteropTest.bits(r)).as(name).isEqualTo(SafeTensorsInteropTest.bits(t));
        });
        assertThat(SafeTensors.readMetadata(file)).containsExactlyEntriesOf(metadata);
    }

    @Property(tries = 1000)
    void aDamagedFileIsReadOrRefusedWithAnInputError(@ForAll("tensorMaps") Map<String, Tensor> tensors,
                                                     @ForAll("damage") Damage damage) throws IOException {
        ByteArrayOutputStream valid = new ByteArrayOutputStream();
        SafeTensors.writeTo(valid, tensors, Map.of());
        Path file = scratch("damaged.safetensors");
        // a new file each time: ext4 flushes a file that is truncated and rewritten, which is slow
        Files.deleteIfExists(file);
        Files.write(file, damage.apply(valid.toByteArray()));
        try {
            SafeTensors.read(file);
        } catch (InputException e) {
            assertThat(e.getMessage()).startsWith(file + ": ");
        }
    }

    /** One way to spoil a file: cut it, change a byte, or replace the header length. */
    record Damage(int kind, double where, long value) {
        byte[] apply(byte[] bytes) {
            int at = (int) (where * bytes.length);
            return switch (kind) {
                case 0 -> Arrays.copyOf(bytes, at);
                case 1 -> {
                    byte[] out = bytes.clone();
                    out[Math.min(at, out.length - 1)] = (byte) value;
                    yield out;
                }
                case 2 -> {
                    byte[] out = bytes.clone();
                    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
                    yield out;
                }
                default -> {
                    // a byte inserted shifts everything after it
                    byte[] out = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, out, 0, at);
                    out[at] = (byte) value;
                    System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
                    yield out;
                }
            };
        }
    }

    @Provide
    Arbitrary<Damage> damage() {
        Arbitrary<Long> value = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 400),
                Arbitraries.of((long) '{', (long) '}', (long) '"', (long) ',', (long) '[', (long) ']', (long) '-', (long) '9'));
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.doubles().between(0, 1).ofScale(4), value)
                .as(Damage::new);
    }

    @Provide
    Arbitrary<Map<String, Tensor>> tensorMaps() {
        return Arbitraries.maps(names(), tensors()).ofMaxSize(5).map(LinkedHashMap::new);
    }

    @Provide
    Arbitrary<Map<String, String>> metadata() {
        return Arbitraries.maps(names(), names()).ofMaxSize(3).map(LinkedHashMap::new);
    }

    /** Names with characters JSON must escape and characters UTF-8 needs several bytes for. */
    static Arbitrary<String> names() {
        return Arbitraries.of("a", "b", "z", "0", "9", ".", "_", " ", "é", "中", "😀", "\"", "\\", "\n", "\u0000")
                .list().ofMaxSize(8).map(parts -> String.join("", parts));
    }

    /**
     * Random shapes (empty dimensions and scalars included) with values from a seed: random bit
     * patterns, one in four from the special ones. A seed rather than a list of values, which
     * jqwik would make slow to generate and pointless to shrink.
     */
    static Arbitrary<Tensor> tensors() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 5).array(int[].class).ofMaxSize(4);
        return Combinators.combine(shapes, Arbitraries.of(DType.class), Arbitraries.longs()).as((shape, dtype, seed) -> {
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            SplittableRandom rng = new SplittableRandom(seed);
            if (dtype == DType.FLOAT32) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    int bits = rng.nextInt(4) == 0 ? SPECIAL_FLOATS.get(rng.nextInt(SPECIAL_FLOATS.size())) : rng.nextInt();
                    f[i] = Float.intBitsToFloat(bits);
                }
                return Tensor.wrap(f, shape);
            }
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                long bits = rng.nextInt(4) == 0 ? SPECIAL_DOUBLES.get(rng.nextInt(SPECIAL_DOUBLES.size())) : rng.nextLong();
                d[i] = Double.longBitsToDouble(bits);
            }
            return Tensor.wrap(d, shape);
        });
    }

    private static Path scratch(String name) {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("safetensors-properties");
            }
            return dir.resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterContainer
    static void removeScratch() throws IOException {
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
            dir = null;
        }
    }

}
