package backprop.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import backprop.InputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken and malicious files, made here byte by byte: each must be refused with an
 * {@link InputException} that names the file and the broken rule, never with an
 * {@code OutOfMemoryError}, a {@code NegativeArraySizeException}, a buffer exception or a
 * stack overflow.
 */
class HostileFilesTest {
    @TempDir
    Path dir;

    static Stream<Arguments> corpus() {
        return Stream.of(
                bad("shorter than the length", new byte[5],
                        "must start with the 8-byte header length of a safetensors file; got a file of 5 bytes"),
                bad("empty", new byte[0],
                        "must start with the 8-byte header length of a safetensors file; got a file of 0 bytes"),
                bad("header length past the end", withLength(1000, 10),
                        "the header length must fit in the file (10 bytes after the length); got 1000"),
                bad("header length 2^63 - 1", withLength(Long.MAX_VALUE, 8),
                        "the header length must be at most 100000000 bytes; got 9223372036854775807"),
                bad("header length 2^64 - 1, negative as a signed long", withLength(-1, 8),
                        "the header length must be at most 100000000 bytes; got 18446744073709551615"),
                bad("header length above the cap", withLength(100_000_001, 8),
                        "the header length must be at most 100000000 bytes; got 100000001"),
                bad("header of zero bytes", file("", 0),
                        "the header must be a JSON object; got no JSON at all (0 bytes of white space)"),
                bad("header of spaces", file("        ", 0),
                        "the header must be a JSON object; got no JSON at all (8 bytes of white space)"),
                bad("header not UTF-8", concat(withLength(4, 0), new byte[] {'{', (byte) 0xff, '}', ' '}),
                        "the header must be UTF-8 text; got a byte that is not UTF-8 at header byte 1"),
                bad("header not JSON", file("hello!!!", 0),
                        "the header must be JSON; got Unrecognized token 'hello': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at header line 1, column 6"),
                bad("header JSON cut short", file("{\"w\": {", 0),
                        "the header must be JSON; got Unexpected end-of-input: expected close marker for Object (start marker at [line: 1, column: 7]) at header line 1, column 8"),
                bad("header JSON an array", file("[1, 2]", 0),
                        "the header must be a JSON object; got [1,2]"),
                bad("header JSON a string", file("\"tensors\"", 0),
                        "the header must be a JSON object; got \"tensors\""),
                bad("two objects", file("{} {}", 0),
                        "the header must hold one JSON value and only white space after it; got more at header line 1, column 4"),
                bad("NUL padding", file("{}\0\0\0\0\0\0", 0),
                        "the header must be JSON; got Illegal character ((CTRL-CHAR, code 0)): only regular white space (\\r, \\n, \\t) is allowed between tokens at header line 1, column 4"),
                bad("duplicate tensor name", file("{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 0, 4) + "}", 4),
                        "the header must be JSON; got Duplicate field 'w' at header line 1, column 65"),
                bad("entry not an object", file("{\"w\": 5}", 0),
                        "tensor 'w': the entry must be an object with dtype, shape and data_offsets; got 5"),
                bad("entry without dtype", file("{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4),
                        "tensor 'w': the entry must have dtype, shape and data_offsets; got no dtype in {\"shape\":[1],\"data_offsets\":[0,4]}"),
                bad("entry without shape", file("{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4),
                        "tensor 'w': the entry must have dtype, shape and data_offsets; got no shape in {\"dtype\":\"F32\",\"data_offsets\":[0,4]}"),
                bad("entry without data_offsets", file("{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", 4),
                        "tensor 'w': the entry must have dtype, shape and data_offsets; got no data_offsets in {\"dtype\":\"F32\",\"shape\":[1]}"),
                bad("dtype of the format not read here", file("{" + entry("0.weight", "F16", "[2]", 0, 4) + "}", 4),
                        "tensor '0.weight': dtype must be F32, F64 or I64; got F16, which backprop4j does not read (convert the tensor to float32 first)"),
                bad("dtype BF16", file("{" + entry("w", "BF16", "[2]", 0, 4) + "}", 4),
                        "tensor 'w': dtype must be F32, F64 or I64; got BF16, which backprop4j does not read (convert the tensor to float32 first)"),
                bad("dtype I32", file("{" + entry("w", "I32", "[1]", 0, 4) + "}", 4),
                        "tensor 'w': dtype must be F32, F64 or I64; got I32, which backprop4j does not read (convert the tensor to float32 first)"),
                bad("dtype unknown", file("{" + entry("w", "f32", "[1]", 0, 4) + "}", 4),
                        "tensor 'w': dtype must be F32, F64 or I64; got \"f32\", which is not a safetensors dtype"),
                bad("dtype not a string", file("{\"w\": {\"dtype\": 32, \"shape\": [1], \"data_offsets\": [0, 4]}}", 4),
                        "tensor 'w': dtype must be F32, F64 or I64; got 32"),
                bad("negative dimension", file("{" + entry("w", "F32", "[2, -1]", 0, 4) + "}", 4),
                        "tensor 'w': shape must be a list of integers from 0 to 2147483647; got [2,-1]"),
                bad("fractional dimension", file("{" + entry("w", "F32", "[1.0]", 0, 4) + "}", 4),
                        "tensor 'w': shape must be a list of integers from 0 to 2147483647; got [1.0]"),
                bad("dimension past int", file("{" + entry("w", "F32", "[3000000000, 0]", 0, 0) + "}", 0),
                        "tensor 'w': shape must be a list of integers from 0 to 2147483647; got [3000000000,0]"),
                bad("shape not a list", file("{" + entry("w", "F32", "\"2x3\"", 0, 24) + "}", 24),
                        "tensor 'w': shape must be a list of integers from 0 to 2147483647; got \"2x3\""),
                bad("one offset", file("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4]}}", 4),
                        "tensor 'w': data_offsets must be two non-negative integers [begin, end]; got [4]"),
                bad("negative offset", file("{" + entry("w", "F32", "[1]", -4, 0) + "}", 4),
                        "tensor 'w': data_offsets must be two non-negative integers [begin, end]; got [-4,0]"),
                bad("offset past long", file("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 18446744073709551615]}}", 4),
                        "tensor 'w': data_offsets must be two non-negative integers [begin, end]; got [0,18446744073709551615]"),
                bad("offsets backwards", file("{" + entry("w", "F32", "[0]", 8, 4) + "}", 8),
                        "tensor 'w': data_offsets [begin, end] must have begin <= end; got [8, 4]"),
                bad("offsets past the data section", file("{" + entry("0.weight", "F32", "[32, 32]", 0, 4096) + "}", 2048),
                        "tensor '0.weight': data_offsets must lie within the data section (2048 bytes); got [0, 4096], whose end is past it"),
                bad("shape and offsets disagree", file("{" + entry("w", "F32", "[2, 3]", 0, 20) + "}", 20),
                        "tensor 'w': data_offsets must span 6 elements of 4 bytes for F32 shape [2, 3]; got [0, 20], 20 bytes"),
                bad("element count past 2^63", file("{" + entry("w", "F64", "[2147483647, 2147483647, 2147483647]", 0, 8) + "}", 8),
                        "tensor 'w': data_offsets must span more than 2^63 elements of 8 bytes for F64 shape [2147483647, 2147483647, 2147483647]; got [0, 8], 8 bytes"),
                bad("element count times size past 2^63", file("{" + entry("w", "F64", "[2147483647, 2147483647, 2]", 0, 8) + "}", 8),
                        "tensor 'w': data_offsets must span 9223372028264841218 elements of 8 bytes for F64 shape [2147483647, 2147483647, 2]; got [0, 8], 8 bytes"),
                bad("first tensor not at byte 0", file("{" + entry("w", "F32", "[1]", 4, 8) + "}", 8),
                        "tensor 'w': the first tensor's data must start at byte 0 of the data section; got data_offsets [4, 8], leaving bytes [0, 4) unused"),
                bad("hole between tensors", file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12),
                        "tensor 'b': data must start where tensor 'a' ends (byte 4), leaving no hole; got data_offsets [8, 12]"),
                bad("overlapping tensors", file("{" + entry("a", "F32", "[4]", 0, 16) + "," + entry("b", "F32", "[4]", 8, 24) + "}", 24),
                        "tensor 'b': data must not overlap tensor 'a' (data_offsets [0, 16]); got data_offsets [8, 24]"),
                bad("two tensors on the same bytes", file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 0, 4) + "}", 4),
                        "tensor 'b': data must not overlap tensor 'a' (data_offsets [0, 4]); got data_offsets [0, 4]"),
                bad("trailing garbage", file("{" + entry("w", "F32", "[1]", 0, 4) + "}", 12),
                        "the data section must hold exactly the tensors' 4 bytes; got 12 bytes, 8 of them after the last tensor"),
                bad("data but no tensors", file("{}", 4),
                        "the data section must hold exactly the tensors' 0 bytes; got 4 bytes, 4 of them after the last tensor"),
                bad("metadata not an object", file("{\"__metadata__\": [\"a\"]}", 0),
                        "__metadata__ must be an object of strings; got [\"a\"]"),
                bad("metadata value not a string", file("{\"__metadata__\": {\"epochs\": 10}}", 0),
                        "__metadata__: the value of 'epochs' must be a string; got 10"),
                bad("a huge name is cut short in the message", file("{\"" + "n".repeat(500) + "\": 1}", 0),
                        "tensor '" + "n".repeat(77) + "...': the entry must be an object with dtype, shape and data_offsets; got 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithAMessageNamingTheFileAndTheRule(String what, byte[] bytes, String rule) throws IOException {
        Path file = Files.write(dir.resolve("model.safetensors"), bytes);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThatThrownBy(() -> SafeTensors.read(file))
                        .isExactlyInstanceOf(InputException.class)
                        .hasMessage(file + ": " + rule));
        assertThatThrownBy(() -> SafeTensors.readMetadata(file)).isExactlyInstanceOf(InputException.class);
    }

    @Test
    void deeplyNestedJsonIsAnInputErrorNotAStackOverflow() throws IOException {
        String deep = "{\"__metadata__\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        Path file = Files.write(dir.resolve("deep.safetensors"), file(deep, 0));
        assertThatThrownBy(() -> SafeTensors.read(file))
                .isExactlyInstanceOf(InputException.class)
                .hasMessageStartingWith(file + ": the header must be JSON; got Document nesting depth (257) exceeds the maximum allowed (256");
    }

    @Test
    void aMissingFileAndAFolderAreInputErrors() {
        Path missing = dir.resolve("nothing.safetensors");
        assertThatThrownBy(() -> SafeTensors.read(missing)).isExactlyInstanceOf(InputException.class)
                .hasMessage(missing + ": no such file");
        assertThatThrownBy(() -> SafeTensors.read(dir)).isExactlyInstanceOf(InputException.class)
                .hasMessage(dir + ": must be a safetensors file; got a folder");
    }

    private static Arguments bad(String what, byte[] bytes, String rule) {
        return Arguments.of(what, bytes, rule);
    }

    /** The 8-byte length, the header, then {@code dataBytes} zero bytes. */
    static byte[] file(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return concat(withLength(json.length, 0), json, new byte[dataBytes]);
    }

    /** An 8-byte header length of {@code length} followed by {@code rest} zero bytes. */
    static byte[] withLength(long length, int rest) {
        return ByteBuffer.allocate(8 + rest).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
    }

    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"%s\": {\"dtype\": \"%s\", \"shape\": %s, \"data_offsets\": [%d, %d]}".formatted(name, dtype, shape, begin, end);
    }

    private static byte[] concat(byte[]... parts) {
        byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
