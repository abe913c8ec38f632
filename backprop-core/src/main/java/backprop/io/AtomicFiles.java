package backprop.io;

import backprop.InputException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file whole or not at all. The content goes to a temporary file in the target's
 * folder, is forced to the disk, and is then renamed over the target in one atomic step; a
 * reader sees the old file or the new one, never a mix, and a crash leaves at worst a stray
 * {@code .NAME.*.tmp} file beside the target. On failure the temporary file is removed.
 *
 * <p>Several files are not written together atomically. A caller that writes a set of files
 * gets crash safety from the order of the writes: write the parts first and the file that
 * names them last (for a model, {@code model.safetensors} first, then {@code model.json}), so
 * that the presence of the last file marks a complete set. When replacing a set in place, a
 * crash between two renames can leave a new part beside an old index; an index that records
 * a checksum of each part (the SHA-256 of {@code model.safetensors}, say) lets the reader
 * notice, and writing into a fresh folder avoids the question.
 *
 * <p>A failure to write (no such folder, no permission, a full disk) is an
 * {@link InputException} naming the target: the path is the user's, not our bug.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** What to write, given a stream over the temporary file (closing it is harmless). */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content.
         *
         * @param out buffered, over the temporary file
         * @throws IOException from {@code out}, or the content's own; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code bytes} to {@code target} atomically.
     *
     * @param target the file to create or replace; its folder must exist
     * @param bytes the whole content
     * @throws InputException if the folder is missing or the write fails
     */
    public static void write(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes a JSON tree to {@code target} atomically: UTF-8, indented for people, ending in a
     * newline. Package-private: Jackson is how this package writes JSON, not part of its API.
     */
    static void writeJson(Path target, JsonNode tree) {
        write(target, out -> {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, tree);
            out.write('\n');
        });
    }

    /**
     * Writes what {@code content} produces to {@code target} atomically. An exception from
     * {@code content} leaves the target as it was and is passed on (an {@link IOException}
     * wrapped in an {@link InputException}).
     *
     * @param target the file to create or replace; its folder must exist
     * @param content writes the whole content
     * @throws InputException if the folder is missing or the write fails
     */

    public static void write(Path target, Content content) {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw InputException.inFile(target, "the folder must exist before a file is written there; got no folder " + folder);
        }
        Path tmp = null;
        try {
            tmp = createTemporary(folder, absolute.getFileName().toString());
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(new UnclosableStream(out));
                out.flush();
                // the bytes must be on the disk before the rename makes them the target's,
                // or a crash could leave a complete-looking but empty or partial file
                channel.force(true);
            }
            move(tmp, absolute);
            tmp = null;
            forceFolder(folder);
        } catch (IOException e) {
            throw new InputException(target + ": must be writable; got " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * A new empty file beside the target. Not {@link Files#createTempFile}: that one makes the
     * file readable by its owner only, and the rename would carry those permissions to a model
     * file that others are meant to read.
     */
    private static Path createTemporary(Path folder, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = folder.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 9) {
                    throw e;
                }
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // some file systems cannot rename atomically; replacing is the best they offer
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forces the folder's entry list to the disk so that the rename itself survives a crash.
     * Possible on Linux and macOS; elsewhere opening a folder fails, and the rename is as
     * durable as the system makes it.
     */
    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here; the file itself is complete either way
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // the write already failed and is being reported; a stray temporary file is all that is left
        }
    }

    /** Keeps the channel open for {@code force} when the content closes its stream. */
    private static final class UnclosableStream extends FilterOutputStream {
        UnclosableStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
