package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] header(int magic, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    Path gzip(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
        return file;
    }

    /** Two 2x3 images with pixels 0, 51, 102, ... and labels 1, 0. */
    byte[] twoImages() {
        byte[] px = new byte[12];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 51 % 256);
        }
        return concat(header(IdxReader.IMAGES_MAGIC, 2, 2, 3), px);
    }

    byte[] twoLabels() {
        return concat(header(IdxReader.LABELS_MAGIC, 2), new byte[] {1, 0});
    }

    @Test
    void readsImagesScaledToUnitInterval() throws IOException {
        IdxReader.Images images = IdxReader.readImages(write("img", twoImages()));
        assertThat(images.count()).isEqualTo(2);
        assertThat(images.rows()).isEqualTo(2);
        assertThat(images.columns()).isEqualTo(3);
        assertThat(images.pixels()[0]).isZero();
        assertThat(images.pixels()[1]).isEqualTo(51 / 255f);
        assertThat(images.pixels()[5]).isEqualTo(1f);
    }

    @Test
    void gzipIsDetectedByMagicBytesWhateverTheName() throws IOException {
        Path img = gzip("images-without-gz-suffix", twoImages());
        Path lab = write("labels.gz", twoLabels()); // a .gz name on a plain file reads as plain
        Dataset d = IdxReader.read(img, lab, List.of("a", "b"));
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.numFeatures()).isEqualTo(6);
        assertThat(d.labels()).containsExactly(1, 0);
        assertThat(d.featureNames()).startsWith("pixel_0_0", "pixel_0_1");
    }

    @Test
    void wrongMagicSaysWhatTheFileIs() throws IOException {
        Path lab = write("labels", twoLabels());
        assertThatThrownBy(() -> IdxReader.readImages(lab)).isInstanceOf(InputException.class)
                .hasMessage(lab + ": not an IDX image file: magic number 0x00000801 (that is a label file); expected 0x00000803");
        Path junk = write("junk", "hello world, not idx".getBytes());
        assertThatThrownBy(() -> IdxReader.readLabels(junk))
                .hasMessage(junk + ": not an IDX label file: magic number 0x68656c6c; expected 0x00000801");
    }

    @Test
    void aHostileHeaderIsRejectedBeforeAllocating() throws IOException {
        // 2^31-1 images of 2^31-1 x 2^31-1 pixels in a 16-byte file
        Path plain = write("huge", header(IdxReader.IMAGES_MAGIC, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE));
        assertThatThrownBy(() -> IdxReader.readImages(plain)).isInstanceOf(InputException.class)
                .hasMessageStartingWith(plain + ": header declares 2147483647 images of 2147483647x2147483647");
        Path fits = write("big", header(IdxReader.IMAGES_MAGIC, 1000, 1000, 1000));
        assertThatThrownBy(() -> IdxReader.readImages(fits))
                .hasMessage(fits + ": truncated: the header declares 1000 images of 1000x1000 (1000000016 bytes with the header),"
                        + " but the file ends after 16 bytes");
        Path zipped = gzip("big.gz", header(IdxReader.IMAGES_MAGIC, 1000, 1000, 1000));
        assertThatThrownBy(() -> IdxReader.readImages(zipped))
                .hasMessageStartingWith(zipped + ": header declares 1000 images of 1000x1000 (1000000016 bytes), more than a gzip file of")
                .hasMessageEndingWith("can hold; the header is corrupt");
    }

    @Test
    void negativeSizes() throws IOException {
        Path file = write("neg", header(IdxReader.LABELS_MAGIC, -5));
        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .hasMessage(file + ": header size 1 of 1 is 4294967291; expected a positive size below 2^31");
    }

    @Test
    void truncatedPlainAndGzipped() throws IOException {
        byte[] full = twoImages();
        Path plain = write("cut", Arrays.copyOf(full, full.length - 1));
        assertThatThrownBy(() -> IdxReader.readImages(plain))
                .hasMessage(plain + ": truncated: the header declares 2 images of 2x3 (28 bytes with the header),"
                        + " but the file ends after 27 bytes");
        Path zipped = gzip("cut.gz", Arrays.copyOf(full, full.length - 1));
        assertThatThrownBy(() -> IdxReader.readImages(zipped))
                .hasMessage(zipped + ": truncated: the header declares 2 images of 2x3 (28 bytes with the header),"
                        + " but the unzipped data ends after 27 bytes");
        Path header = write("head", Arrays.copyOf(full, 10));
        assertThatThrownBy(() -> IdxReader.readImages(header))
                .hasMessage(header + ": truncated: ends inside the 16-byte IDX image header after 10 bytes");
    }

    @Test
    void aCutGzipStream() throws IOException {
        Path whole = gzip("whole.gz", twoImages());
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = write("cut.gz", Arrays.copyOf(bytes, bytes.length - 12));
        assertThatThrownBy(() -> IdxReader.readImages(cut)).isInstanceOf(InputException.class)
                .hasMessageStartingWith(cut + ": truncated");
    }

    @Test
    void trailingBytes() throws IOException {
        Path plain = write("long", concat(twoLabels(), new byte[] {7}));
        assertThatThrownBy(() -> IdxReader.readLabels(plain))
                .hasMessage(plain + ": has 1 bytes after the 2 labels its header declares; expected exactly 10 bytes");
        Path zipped = gzip("long.gz", concat(twoLabels(), new byte[] {7}));
        assertThatThrownBy(() -> IdxReader.readLabels(zipped))
                .hasMessage(zipped + ": has bytes after the 2 labels its header declares; expected the file to end there");
    }

    @Test
    void imageAndLabelCountsMustMatch() throws IOException {
        Path img = write("img", twoImages());
        Path lab = write("lab", concat(header(IdxReader.LABELS_MAGIC, 3), new byte[] {0, 1, 0}));
        assertThatThrownBy(() -> IdxReader.read(img, lab, List.of("a", "b")))
                .hasMessage(img + " and " + lab + ": the image file has 2 images but the label file has 3 labels;"
                        + " expected one label per image");
    }

    @Test
    void labelsMustBeKnownClasses() throws IOException {
        Path img = write("img", twoImages());
        Path lab = write("lab", concat(header(IdxReader.LABELS_MAGIC, 2), new byte[] {0, 2}));
        assertThatThrownBy(() -> IdxReader.read(img, lab, List.of("a", "b")))
                .hasMessage(lab + ": item 1 has label 2; expected 0..1");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("none");
        assertThatThrownBy(() -> IdxReader.readLabels(file)).hasMessage(file + ": no such file");
    }
}
