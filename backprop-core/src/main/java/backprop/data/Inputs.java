package backprop.data;

import backprop.InputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/** Opening data files: existence checks with clear messages, gzip by magic bytes, SHA-256 of the bytes read. */
final class Inputs {
    private Inputs() {}

    /** The first two bytes of every gzip stream (RFC 1952). */
    static boolean isGzip(byte[] head) {
        return head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    }

    /** Checks that {@code file} is a readable regular file, or throws an input error saying why not. */
    static void requireReadableFile(Path file) {
        if (Files.isDirectory(file)) {
            throw InputException.inFile(file, "is a folder; expected a file");
        }
        if (!Files.exists(file)) {
            throw InputException.inFile(file, "no such file");
        }
        if (!Files.isReadable(file)) {
            throw InputException.inFile(file, "cannot be read (permission denied)");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Unzips {@code stored} when it starts with the gzip magic, else buffers it. Give it a
     * {@link DigestInputStream} to hash the bytes as stored (compressed or not).
     */
    static InputStream decoded(InputStream stored) throws IOException {
        BufferedInputStream in = new BufferedInputStream(stored, 1 << 16);
        in.mark(2);
        byte[] head = in.readNBytes(2);
        in.reset();
        return isGzip(head) ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    /** Reads what is left of {@code stored} so that its digest covers the whole file. */
    static void drain(DigestInputStream stored) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (stored.read(buf) >= 0) {
            // only the digest wants these bytes
        }
    }

    /** An input error for an I/O failure while reading {@code file}, with the cause kept for --debug. */
    static InputException readFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return InputException.inFile(file, "no such file");
        }
        if (e instanceof AccessDeniedException) {
            return InputException.inFile(file, "cannot be read (permission denied)");
        }
        if (e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException && e.getMessage() != null
                && e.getMessage().contains("ZLIB")) {
            return new InputException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return new InputException(file + ": not UTF-8 text; expected a UTF-8 CSV file", e);
        }
        return new InputException(file + ": cannot be read: " + e, e);
    }

    /** As {@link #readFailure} for the unchecked wrapper some libraries throw. */
    static InputException readFailure(Path file, UncheckedIOException e) {
        return readFailure(file, e.getCause());
    }
}
