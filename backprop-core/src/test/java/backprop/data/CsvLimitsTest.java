package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: what a CSV read may take, inputs that are not regular files, and messages that stay one short line. */
class CsvLimitsTest {
    @TempDir
    Path dir;

    private Path gzipOfRows(String name, int rows) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("a,b,y\n".getBytes(StandardCharsets.US_ASCII));
            byte[] two = "1,2,0\n3,4,1\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < rows / 2; i++) {
                out.write(two);
            }
        }
        return file;
    }

    private static CsvOptions limits(long rows, long bytes) {
        return CsvOptions.DEFAULTS.withLimits(new ReadLimits(rows, bytes));
    }

    @Test
    void aCompressedFileIsCutAtTheRowLimitWhileItStreams() throws IOException {
        Path file = gzipOfRows("d.csv.gz", 200_000);
        assertThatThrownBy(() -> CsvReader.read(file, limits(1000, 1L << 30)))
                .isInstanceOf(InputException.class)
                .hasMessage(file + ":1002: more than 1000 rows; expected at most --max-rows 1000 (give a larger --max-rows to read more)");
        assertThat(CsvReader.read(file, limits(200_000, 1L << 30)).size()).isEqualTo(200_000);
    }

    @Test
    void aCompressedFileIsCutAtTheByteLimitOfItsText() throws IOException {
        Path file = gzipOfRows("d.csv.gz", 200_000);
        assertThat(Files.size(file)).isLessThan(64 << 10);
        assertThatThrownBy(() -> CsvReader.read(file, limits(0, 64 << 10)))
                .isInstanceOf(InputException.class)
                .hasMessage(file + ": more than 64 KiB of text (after any decompression); expected at most --max-bytes 64k"
                        + " (give a larger --max-bytes to read more)");
    }

    @Test
    void sizesReadAsTheOptionTakesThem() {
        assertThat(ReadLimits.parseSize("4g")).isEqualTo(4L << 30);
        assertThat(ReadLimits.parseSize("500M")).isEqualTo(500L << 20);
        assertThat(ReadLimits.parseSize("1024")).isEqualTo(1024);
        assertThatThrownBy(() -> ReadLimits.parseSize("")).hasMessageContaining("such as 500m or 4g");
        assertThatThrownBy(() -> ReadLimits.parseSize("0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> ReadLimits.parseSize("999999999999g")).hasMessageContaining("below 2^63");
    }

    @Test
    void aRowOfMoreFieldsThanTheReaderTakesIsOneMessageOfOurs() throws IOException {
        Path file = dir.resolve("wide.csv");
        String row = "1,".repeat(20_000) + "0\n";
        Files.writeString(file, "a,b,y\n1,2,0\n" + row);
        assertThatThrownBy(() -> CsvReader.read(file))
                .isInstanceOf(InputException.class)
                .hasMessage(file + ":3: more than 16384 fields in one row; expected at most 16384 columns, the most the CSV reader takes");
    }

    @Test
    void aFieldLongerThanTheReaderBuffersIsOneMessageOfOurs() throws IOException {
        Path file = dir.resolve("long.csv");
        Files.writeString(file, "a,b,y\n1,2,0\n\"" + "x".repeat(17 << 20) + "\n");
        assertThatThrownBy(() -> CsvReader.read(file))
                .isInstanceOf(InputException.class)
                .hasMessage(file + ":3: a field longer than 16 MiB, or a quote that never closes; expected fields of at most that size");
    }

    @Test
    void aCellOf70000CharactersIsQuotedInPart() throws IOException {
        Path file = dir.resolve("cell.csv");
        String cell = "x".repeat(70_000);
        Files.writeString(file, "a,y\n1,0.5\n2," + cell + "\n");
        assertThatThrownBy(() -> CsvReader.read(file, CsvOptions.DEFAULTS.withTask(Task.REGRESSION)))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(file + ":3: column 'y' (field 2): expected a number as the regression target; got 'xxx")
                .hasMessageEndingWith("... (70000 characters)'")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    }

    @Test
    void aHeaderOfManyLongNamesIsListedInPart() throws IOException {
        Path file = dir.resolve("names.csv");
        StringBuilder header = new StringBuilder();
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            header.append(i == 0 ? "" : ",").append("column").append(i).append("y".repeat(200));
            row.append(i == 0 ? "" : ",").append(i % 2);
        }
        Files.writeString(file, header + "\n" + row + "\n");
        assertThatThrownBy(() -> CsvReader.read(file, CsvOptions.DEFAULTS.withTarget("nope")))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(file + ":1: no target column 'nope'; expected one of the columns column0yyy")
                .hasMessageContaining("(5000 in all)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void aDeviceIsRefusedBeforeAnyRead() {
        Path zero = Path.of("/dev/zero");
        assertThatThrownBy(() -> CsvReader.read(zero))
                .isInstanceOf(InputException.class)
                .hasMessage("/dev/zero: is a device, not a file (it may never end); expected a CSV file, or a pipe");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aPipeIsReadAndItsCopyDeleted() throws Exception {
        Path fifo = dir.resolve("fifo.csv");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                // a column of numbers that turns to text on its last row makes the reader start over
                out.write("a,b,y\n1,2,0\n3,4,1\n5,6,0\nseven,8,1\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        long before = pipeCopies();
        Dataset data = CsvReader.read(fifo);
        writer.join();
        assertThat(data.size()).isEqualTo(4);
        assertThat(data.featureNames()).hasSize(5);   // a one-hot of a's four categories, and b
        assertThat(pipeCopies()).isEqualTo(before);
    }

    private static long pipeCopies() throws IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("backprop-pipe-")).count();
        }
    }

    @Test
    void aPipeLongerThanTheByteLimitIsRefused() throws Exception {
        Path fifo = dir.resolve("fifo.csv");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(new byte[200 << 10]);
            } catch (IOException e) {
                // the reader stopped reading: a closed pipe
            }
        });
        writer.start();
        assertThatThrownBy(() -> CsvReader.read(fifo, limits(0, 64 << 10)))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(fifo + ": more than 64 KiB of input from the pipe; expected at most --max-bytes 64k");
        writer.join(10_000);
    }
}
