package backprop.cli;

import backprop.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a file whole or not at all: a temporary file in the same folder, then a rename over the target. */
final class AtomicFiles {
    private AtomicFiles() {}

    /** @throws InputException when the folder cannot be written (the user's path, not our bug) */
    static void write(Path target, String text) {
        Path absolute = target.toAbsolutePath();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw InputException.inFile(target, "cannot write: " + e.getClass().getSimpleName() + " " + e.getMessage()
                    + "; expected a writable path in an existing folder");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the rename succeeded or the write failed and was reported; a stray temp file is all that is left
                }
            }
        }
    }
}
