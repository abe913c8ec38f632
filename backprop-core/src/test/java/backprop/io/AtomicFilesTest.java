package backprop.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesBytesAndReplacesAnExistingFile() throws IOException {
        Path target = dir.resolve("a.bin");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        AtomicFiles.write(target, new byte[] {4, 5});
        assertThat(Files.readAllBytes(target)).containsExactly(4, 5);
        assertThat(filesIn(dir)).containsExactly("a.bin");
    }

    @Test
    void writesAJsonTreeIndentedWithATrailingNewline() throws IOException {
        Path target = dir.resolve("model.json");
        AtomicFiles.writeJson(target, Json.MAPPER.createObjectNode().put("format", 1));
        String text = Files.readString(target);
        assertThat(text).endsWith("}\n").contains("\"format\" : 1");
        assertThat(Json.MAPPER.readTree(text).get("format").intValue()).isEqualTo(1);
    }

    @Test
    void contentThatClosesItsStreamStillGetsWritten() throws IOException {
        Path target = dir.resolve("closed.txt");
        AtomicFiles.write(target, out -> {
            try (out) {
                out.write("done".getBytes(StandardCharsets.UTF_8));
            }
        });
        assertThat(Files.readString(target)).isEqualTo("done");
    }

    @Test
    void aFailingWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        Files.write(target, new byte[] {7});
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        })).isInstanceOf(InputException.class)
                .hasMessage(target + ": must be writable; got IOException: disk full")
                .hasCauseInstanceOf(IOException.class);
        assertThat(Files.readAllBytes(target)).containsExactly(7);
        assertThat(filesIn(dir)).containsExactly("model.safetensors");
    }

    @Test
    void aRuntimeExceptionFromTheContentPassesThroughAndCleansUp() {
        Path target = dir.resolve("x");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            throw new IllegalStateException("bug");
        })).isInstanceOf(IllegalStateException.class).hasMessage("bug");
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void aMissingFolderIsAnInputError() {
        Path target = dir.resolve("no/such/folder/model.json");
        assertThatThrownBy(() -> AtomicFiles.write(target, new byte[0]))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(target + ": the folder must exist before a file is written there; got no folder ");
    }

    @Test
    void theNewFileGetsOrdinaryPermissionsNotThoseOfATemporaryFile() throws IOException {
        Path target = dir.resolve("shared.bin");
        AtomicFiles.write(target, new byte[] {1});
        Path plain = Files.write(dir.resolve("plain.bin"), new byte[] {1});
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(plain))
                    .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    private static String[] filesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
