package backprop.io;

import backprop.InputException;
import backprop.internal.Checks;
import backprop.io.SafeTensorsHeader.Entry;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named tensors in the safetensors format, which PyTorch and the Hugging Face libraries read
 * and write too (<a href="https://github.com/huggingface/safetensors">huggingface/safetensors</a>).
 *
 * <p>The format: 8 bytes holding N, the header's length, as a little-endian unsigned integer;
 * N bytes of UTF-8 JSON, {@code {"__metadata__": {"key": "value", ...}, "name": {"dtype": "F32",
 * "shape": [2, 3], "data_offsets": [begin, end]}, ...}}, padded with spaces; then the data
 * section, where each tensor's elements lie row-major and little-endian in bytes
 * {@code [begin, end)}, counted from the data section's start. The dtypes F32 (float32),
 * F64 (float64) and I64 (int64, within 2^53) are read and written.
 *
 * <p>Reading checks everything before it allocates anything for the tensors (see
 * {@link HeaderParser} for the full list): a file that is too short, a header length past the
 * end of the file or above {@link #MAX_HEADER_BYTES}, a header that is not a JSON object, an
 * entry without dtype, shape or data_offsets, an unsupported dtype, a negative dimension, a
 * byte count that disagrees with the shape, overlapping regions, holes and trailing bytes are
 * each an {@link InputException} naming the file, the tensor and the rule. A file that cannot
 * be opened is one too. Reading never deserializes objects, so a file cannot run code.
 */
public final class SafeTensors {
    /** The largest header accepted, the reference implementation's limit (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000;

    /** Bytes of the header length at the start of the file. */
    private static final int LENGTH_BYTES = 8;

    /** Bytes converted at a time between arrays and the file; a multiple of every element size. */
    private static final int CHUNK_BYTES = 1 << 16;

    private SafeTensors() {}

    /**
     * Writes {@code tensors} to {@code file} atomically (through {@link AtomicFiles}), each
     * under its name, in the map's iteration order (pass a {@link LinkedHashMap} to choose it),
     * with {@code metadata} as the header's {@code __metadata__} (left out when empty). Values
     * are written bit for bit, NaN payloads and {@code -0.0} included.
     *
     * @param file the file to create or replace; its folder must exist
     * @param tensors float32 or float64 tensors by name; their values are read, not changed
     * @param metadata free-form string pairs for the header
     * @throws IllegalArgumentException if a name is {@code __metadata__} or anything is null
     * @throws InputException if the file cannot be written
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        SafeTensorsHeader header = SafeTensorsHeader.layout(tensors, metadata);
        byte[] json = header.encode();
        Checks.require(json.length <= MAX_HEADER_BYTES,
                "SafeTensors.write: the header must be at most %d bytes to be readable; got %d bytes for %d tensors",
                MAX_HEADER_BYTES, json.length, tensors.size());
        AtomicFiles.write(file, out -> writeTo(out, json, header, tensors));
    }

    /** The whole file, to any stream: for {@link #write} and for tests that need bytes, not a file. */
    static void writeTo(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        SafeTensorsHeader header = SafeTensorsHeader.layout(tensors, metadata);
        writeTo(out, header.encode(), header, tensors);
    }

    private static void writeTo(OutputStream out, byte[] json, SafeTensorsHeader header, Map<String, Tensor> tensors)
            throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.write(chunk.putLong(0, json.length).array(), 0, LENGTH_BYTES);
        out.write(json);
        for (Entry e : header.entries()) {
            writeData(tensors.get(e.name()), chunk, out);
        }
    }

    /**
     * Writes {@code tensors} without metadata; see {@link #write(Path, Map, Map)}.
     *
     * @param file the file to create or replace; its folder must exist
     * @param tensors float32 or float64 tensors by name, written in the map's iteration order
     * @throws IllegalArgumentException if a name is {@code __metadata__} or anything is null
     * @throws InputException if the file cannot be written
     */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * The tensors of {@code file}, by name, in the header's order; each a new float32 or
     * float64 leaf tensor that does not require a gradient.
     *
     * @param file a safetensors file of F32 and F64 tensors
     * @return the tensors, in a new mutable map
     * @throws InputException if the file cannot be read or breaks any rule of the format
     */
    public static Map<String, Tensor> read(Path file) {
        try (FileChannel channel = open(file)) {
            Checked checked = readHeader(file, channel);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            // no larger than the largest tensor: most files of small models fit in one chunk
            long largest = checked.header().entries().stream().mapToLong(e -> e.end() - e.begin()).max().orElse(0);
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.max(Double.BYTES, Math.min(CHUNK_BYTES, largest)))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : checked.header().entries()) {
                tensors.put(e.name(), readData(file, channel, checked.dataStart(), e, chunk));
            }
            return tensors;
        } catch (IOException e) {
            throw readFailure(file, e);
        }
    }

    /**
     * The {@code __metadata__} of {@code file} (empty when there is none), in the header's
     * order. Reads only the header, but checks it against the file as {@link #read} does.
     *
     * @param file a safetensors file
     * @return the metadata's string pairs
     * @throws InputException if the file cannot be read or breaks any rule of the format

     */
    public static Map<String, String> readMetadata(Path file) {
        try (FileChannel channel = open(file)) {
            return readHeader(file, channel).header().metadata();
        } catch (IOException e) {
            throw readFailure(file, e);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw InputException.inFile(file, "must be a safetensors file; got a folder");
        }
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /** A header checked against the file, and where the file's data section starts. */
    private record Checked(SafeTensorsHeader header, long dataStart) {}

    /** Reads and checks the length and the header; allocates at most the checked header length. */
    private static Checked readHeader(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < LENGTH_BYTES) {
            throw InputException.inFile(file,
                    "must start with the 8-byte header length of a safetensors file; got a file of %d bytes".formatted(fileSize));
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, lengthBytes, 0);
        long length = lengthBytes.getLong(0);
        // unsigned in the format: a negative long is a length of 2^63 bytes or more
        if (length < 0 || length > MAX_HEADER_BYTES) {
            throw InputException.inFile(file, "the header length must be at most %d bytes; got %s".formatted(
                    MAX_HEADER_BYTES, Long.toUnsignedString(length)));
        }
        if (length > fileSize - LENGTH_BYTES) {
            throw InputException.inFile(file, "the header length must fit in the file (%d bytes after the length); got %d".formatted(
                    fileSize - LENGTH_BYTES, length));
        }
        ByteBuffer json = ByteBuffer.allocate((int) length);
        readFully(file, channel, json, LENGTH_BYTES);
        SafeTensorsHeader header = HeaderParser.parse(file, json.array(), fileSize - LENGTH_BYTES - length);
        return new Checked(header, LENGTH_BYTES + length);
    }

    private static Tensor readData(Path file, FileChannel channel, long dataStart, Entry e, ByteBuffer chunk) throws IOException {
        boolean wide = e.dtype() != DType.FLOAT32;
        float[] f = wide ? null : new float[e.count()];
        double[] d = wide ? new double[e.count()] : null;
        int size = SafeTensorsHeader.byteSize(e.dtype());
        int done = 0;
        while (done < e.count()) {
            int n = Math.min(e.count() - done, chunk.capacity() / size);
            chunk.clear().limit(n * size);
            readFully(file, channel, chunk, dataStart + e.begin() + (long) done * size);
            chunk.flip();
            if (e.dtype() == DType.INT64) {
                readLongs(file, e, chunk.asLongBuffer(), d, done, n);
            } else if (wide) {
                chunk.asDoubleBuffer().get(d, done, n);
            } else {
                chunk.asFloatBuffer().get(f, done, n);
            }
            done += n;
        }
        if (e.dtype() == DType.INT64) {
            return Tensor.of(DType.INT64, d, e.shape());
        }
        return wide ? Tensor.wrap(d, e.shape()) : Tensor.wrap(f, e.shape());
    }

    /** Integers beyond 2^53 would not survive as tensor values: refused, not rounded. */
    private static void readLongs(Path file, Entry e, java.nio.LongBuffer in, double[] d, int done, int n) {
        for (int i = 0; i < n; i++) {
            long v = in.get(i);
            if (Math.abs(v) > (1L << 53)) {
                throw InputException.inFile(file, "tensor '%s': I64 values must lie within +-2^53; got %d at element %d"
                        .formatted(e.name(), v, done + i));
            }
            d[done + i] = v;
        }
    }

    private static void writeData(Tensor t, ByteBuffer chunk, OutputStream out) throws IOException {
        boolean wide = t.dtype() != DType.FLOAT32;
        float[] f = wide ? null : t.floatData();
        double[] d = wide ? t.doubleData() : null;
        int size = SafeTensorsHeader.byteSize(t.dtype());
        int done = 0;
        while (done < t.size()) {
            int n = Math.min(t.size() - done, chunk.capacity() / size);
            chunk.clear();
            // the views write raw bits (floatToRawIntBits), so NaN payloads survive
            if (t.dtype() == DType.INT64) {
                java.nio.LongBuffer longs = chunk.asLongBuffer();
                for (int i = 0; i < n; i++) {
                    longs.put(i, (long) d[done + i]);
                }
            } else if (wide) {
                chunk.asDoubleBuffer().put(d, done, n);
            } else {
                chunk.asFloatBuffer().put(f, done, n);
            }
            out.write(chunk.array(), 0, n * size);
            done += n;
        }
    }

    /** Fills {@code buffer} from {@code position}; the file may have shrunk since its size was checked. */
    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw InputException.inFile(file, "must not change while it is read; got the end of the file at byte %d".formatted(at));
            }
            at += n;
        }
    }

    private static InputException readFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return InputException.inFile(file, "no such file");
        }
        if (e instanceof AccessDeniedException) {
            return InputException.inFile(file, "cannot be read (permission denied)");
        }
        return new InputException(file + ": must be readable; got " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
}
