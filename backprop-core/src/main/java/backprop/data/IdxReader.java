package backprop.data;

import static backprop.internal.Checks.require;

import backprop.InputException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic number
 * {@code 0x0000 08 NN}, unsigned bytes in {@code NN} dimensions, then {@code NN} 32-bit sizes),
 * then the bytes. Images are {@code 0x00000803} ({@code count x rows x columns}), labels
 * {@code 0x00000801} ({@code count}). A file may be gzipped; that is detected from its first
 * bytes ({@code 1f 8b}), not its name.
 *
 * <p>The header is checked against the file's length before anything is allocated, so a
 * corrupt or hostile header cannot ask for gigabytes: an uncompressed file must be exactly as
 * long as its header says, and a gzipped one cannot claim more than deflate's greatest
 * compression ratio allows. Every problem (wrong magic, a size that does not fit, truncation,
 * bytes left over, images and labels that do not pair up, a label out of range) is an
 * {@link InputException} naming the file.
 */
public final class IdxReader {
    /** Images of unsigned bytes in 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Labels of unsigned bytes in 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    /** Deflate cannot compress by more than about 1032:1 (RFC 1951 block limits), so a gzip file of n bytes holds less than 1032 n. */
    private static final long MAX_DEFLATE_RATIO = 1032;
    /** The largest Java array we dare ask for; a little under {@code Integer.MAX_VALUE} as the JVM reserves a few words. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /**
     * Images as read from an IDX file.
     *
     * @param pixels  {@code count x rows x columns} values, image after image, each row-major,
     *                scaled from {@code 0..255} to {@code [0, 1]} by dividing by 255
     * @param count   the number of images
     * @param rows    the height of an image
     * @param columns the width of an image
     */
    public record Images(float[] pixels, int count, int rows, int columns) {
        /** {@return {@code rows * columns}, the number of features per image} */
        public int pixelsPerImage() {
            return rows * columns;
        }
    }

    /**
     * Reads an IDX image file ({@code 0x00000803}), gzipped or not.
     *
     * @param file the image file
     * @return its images
     * @throws InputException for any problem with the file
     */
    public static Images readImages(Path file) {
        return readImages(file, Inputs.sha256());
    }

    /**
     * Reads an IDX label file ({@code 0x00000801}), gzipped or not.
     *
     * @param file the label file
     * @return one label per item, each in {@code 0..255}
     * @throws InputException for any problem with the file
     */
    public static int[] readLabels(Path file) {
        return readLabels(file, Inputs.sha256());
    }

    /**
     * Reads a pair of image and label files as a classification data set with features named
     * {@code pixel_R_C} and the given class names.
     *
     * @param images the image file
     * @param labels the label file, one label per image
     * @param classNames 2 to 256 names, in label order
     * @return the images as rows of {@code rows x columns} features in {@code [0, 1]}
     * @throws IllegalArgumentException if there are fewer than 2 or more than 256 class names
     * @throws InputException for any problem with either file, if their counts differ, or if a

     *     label is not in {@code 0..classNames.size()-1}
     */
    public static Dataset read(Path images, Path labels, List<String> classNames) {
        return read(images, labels, classNames, Inputs.sha256());
    }

    /** As {@link #read}, feeding the bytes of both files, images first, into {@code digest}. */
    static Dataset read(Path imageFile, Path labelFile, List<String> classNames, MessageDigest digest) {
        require(classNames.size() >= 2 && classNames.size() <= 256,
                "IdxReader.read: need 2..256 class names; got %d", classNames.size());
        Images images = readImages(imageFile, digest);
        int[] labels = readLabels(labelFile, digest);
        if (images.count() != labels.length) {
            throw new InputException(imageFile + " and " + labelFile + ": the image file has " + images.count()
                    + " images but the label file has " + labels.length + " labels; expected one label per image");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classNames.size()) {
                throw InputException.inFile(labelFile, "item " + i + " has label " + labels[i] + "; expected 0.."
                        + (classNames.size() - 1));
            }
        }
        List<String> names = new ArrayList<>(images.pixelsPerImage());
        for (int r = 0; r < images.rows(); r++) {
            for (int c = 0; c < images.columns(); c++) {
                names.add("pixel_" + r + "_" + c);
            }
        }
        return Dataset.classificationOwning(images.pixels(), images.pixelsPerImage(), labels, names, classNames);
    }

    static Images readImages(Path file, MessageDigest digest) {
        return (Images) readIdx(file, digest, IMAGES_MAGIC);
    }

    static int[] readLabels(Path file, MessageDigest digest) {
        return (int[]) readIdx(file, digest, LABELS_MAGIC);
    }

    /** Reads one IDX file of the expected kind: an {@link Images} or an {@code int[]} of labels. */
    private static Object readIdx(Path file, MessageDigest digest, int expectedMagic) {
        Inputs.requireReadableFile(file);
        try {
            long storedSize = Files.size(file);
            boolean gzip = isGzip(file);
            try (InputStream raw = Files.newInputStream(file);
                 DigestInputStream stored = new DigestInputStream(raw, digest);
                 InputStream in = Inputs.decoded(stored)) {
                Reading reading = new Reading(file, in, storedSize, gzip);
                Object result = expectedMagic == IMAGES_MAGIC ? reading.images() : reading.labels();
                Inputs.drain(stored);
                return result;
            }
        } catch (EOFException e) {
            // GZIPInputStream's way of saying the compressed stream stops early
            throw new InputException(file + ": truncated: the gzip data ends early"
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        } catch (IOException e) {
            throw Inputs.readFailure(file, e);
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Inputs.isGzip(in.readNBytes(2));
        }
    }

    /** One pass over one file's decoded bytes. */
    private static final class Reading {
        private final Path file;
        private final InputStream in;
        private final long storedSize;
        private final boolean gzip;

        Reading(Path file, InputStream in, long storedSize, boolean gzip) {
            this.file = file;
            this.in = in;
            this.storedSize = storedSize;
            this.gzip = gzip;
        }

        Images images() throws IOException {
            int[] dims = header(IMAGES_MAGIC, "image", 3);
            long pixels;
            try {
                // three sizes below 2^31 can multiply past 2^63 and wrap to a small count that fits the file
                pixels = Math.multiplyExact((long) dims[0] * dims[1], dims[2]);
            } catch (ArithmeticException e) {
                pixels = Long.MAX_VALUE;
            }
            String what = dims[0] + " images of " + dims[1] + "x" + dims[2];
            checkSize(16, pixels, what);
            float[] out = new float[(int) pixels];
            byte[] buf = new byte[1 << 16];
            int done = 0;
            while (done < out.length) {
                int n = in.readNBytes(buf, 0, (int) Math.min(buf.length, out.length - done));
                if (n == 0) {
                    throw truncated(what, 16 + pixels, 16 + done);
                }
                for (int i = 0; i < n; i++) {
                    out[done + i] = (buf[i] & 0xff) / 255f;
                }
                done += n;
            }
            checkEnd(what);
            return new Images(out, dims[0], dims[1], dims[2]);
        }

        int[] labels() throws IOException {
            int[] dims = header(LABELS_MAGIC, "label", 1);
            String what = dims[0] + " labels";
            checkSize(8, dims[0], what);
            byte[] bytes = in.readNBytes(dims[0]);
            if (bytes.length < dims[0]) {
                throw truncated(what, 8 + (long) dims[0], 8 + bytes.length);
            }
            checkEnd(what);
            int[] labels = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                labels[i] = bytes[i] & 0xff;
            }
            return labels;
        }

        /** Reads and checks the magic number and the sizes; returns the sizes. */
        private int[] header(int magic, String kind, int rank) throws IOException {
            byte[] magicBytes = in.readNBytes(4);
            if (magicBytes.length == 4 && bigEndian(magicBytes, 0) != magic) {
                int found = bigEndian(magicBytes, 0);
                String hint = found == IMAGES_MAGIC ? " (that is an image file)"
                        : found == LABELS_MAGIC ? " (that is a label file)" : "";
                throw InputException.inFile(file, "not an IDX " + kind + " file: magic number "
                        + "0x%08x%s; expected 0x%08x".formatted(found, hint, magic));
            }
            byte[] head = magicBytes.length == 4 ? in.readNBytes(4 * rank) : new byte[0];
            if (head.length < 4 * rank) {
                throw InputException.inFile(file, "truncated: ends inside the " + (4 + 4 * rank) + "-byte IDX " + kind
                        + " header after " + (magicBytes.length + head.length) + " bytes");
            }
            int[] dims = new int[rank];
            for (int k = 0; k < rank; k++) {
                dims[k] = bigEndian(head, 4 * k);
                if (dims[k] <= 0) {
                    // the sizes are unsigned in the format; anything past 2^31 is corrupt for us
                    throw InputException.inFile(file, "header size " + (k + 1) + " of " + rank + " is "
                            + Integer.toUnsignedString(dims[k]) + "; expected a positive size below 2^31");
                }
            }
            return dims;
        }

        /** Compares what the header declares with what the file can hold, before allocating. */
        private void checkSize(int headerBytes, long dataBytes, String what) {
            long declared = headerBytes + dataBytes;
            if (dataBytes > MAX_ARRAY) {
                throw InputException.inFile(file, "header declares " + what + " ("
                        + (dataBytes == Long.MAX_VALUE ? "2^63 or more" : dataBytes) + " bytes); expected at most " + MAX_ARRAY + " bytes of data");
            }
            if (!gzip && declared > storedSize) {
                throw truncated(what, declared, storedSize);
            }
            if (!gzip && declared < storedSize) {
                throw InputException.inFile(file, "has " + (storedSize - declared) + " bytes after the " + what
                        + " its header declares; expected exactly " + declared + " bytes");
            }
            if (gzip && declared > storedSize * MAX_DEFLATE_RATIO) {
                throw InputException.inFile(file, "header declares " + what + " (" + declared
                        + " bytes), more than a gzip file of " + storedSize + " bytes can hold; the header is corrupt");
            }
        }

        private void checkEnd(String what) throws IOException {
            if (in.read() >= 0) {
                throw InputException.inFile(file, "has bytes after the " + what + " its header declares;"
                        + " expected the file to end there");
            }
        }

        private InputException truncated(String what, long declared, long found) {
            return InputException.inFile(file, "truncated: the header declares " + what + " (" + declared
                    + " bytes with the header), but the " + (gzip ? "unzipped data ends" : "file ends") + " after "
                    + found + " bytes");
        }

        private static int bigEndian(byte[] b, int at) {
            return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
        }
    }
}
