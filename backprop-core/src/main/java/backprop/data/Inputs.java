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

    /**
     * {@link #decoded}, counting the bytes it gives: past {@code limits.maxBytes()} a read throws
     * the refusal, so that an input that never ends (a device, a stream of blank lines, a
     * compressed file that expands without bound) stops there.
     */
    static InputStream decoded(InputStream stored, Path file, ReadLimits limits) throws IOException {
        InputStream in = decoded(stored);
        return new java.io.FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                count(Math.max(n, 0));
                return n;
            }

            private void count(int n) {
                count += n;
                if (count > limits.maxBytes()) {
                    throw limits.tooManyBytes(file, "text (after any decompression)");
                }
            }
        };
    }

    /**
     * {@return a regular file with the bytes of {@code file}}: the file itself, or for a pipe
     * ({@code --data <(zcat f.csv.gz)}) a temporary copy, which the caller deletes, since a read may
     * start over and a pipe cannot be read twice (nor asked its size: "Illegal seek").
     *
     * @throws InputException for a device (it may never end), or a pipe longer than the limit
     */
    static Path seekable(Path file, ReadLimits limits) throws IOException {
        if (Files.isRegularFile(file)) {
            return file;
        }
        int type = fileType(file);
        if (type == CHARACTER_DEVICE || type == BLOCK_DEVICE) {
            throw InputException.inFile(file, "is a device, not a file (it may never end); expected a CSV file, or a pipe");
        }
        Path copy = Files.createTempFile("backprop-pipe-", ".csv");
        copy.toFile().deleteOnExit();   // as well, for a run that INT or TERM ends while it reads
        boolean done = false;
        try (InputStream in = new java.io.FileInputStream(file.toFile());
             java.io.OutputStream out = Files.newOutputStream(copy)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > limits.maxBytes()) {
                    throw limits.tooManyBytes(file, "input from the pipe");
                }
                out.write(buffer, 0, n);
            }
            done = true;
            return copy;
        } finally {
            if (!done) {
                Files.deleteIfExists(copy);
            }
        }
    }

    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;

    /** The S_IFMT bits of the file's mode, or 0 where the platform does not tell them. */
    private static int fileType(Path file) {
        try {
            return (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }

    /**
     * {@return the problem FastCSV found, in our words}: a row of more fields than it reads, a
     * field longer than it buffers (or a quote that never closes), or a limit of ours that it
     * wrapped; its own text ("Exception when reading first record") names neither the line nor
     * what was expected.
     */
    static InputException unreadable(Path file, de.siegmar.fastcsv.reader.CsvParseException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputException ours) {
                return ours;
            }
        }
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("started in line (\\d+)").matcher(String.valueOf(e.getMessage()));
        String where = line.find() ? file + ":" + line.group(1) : String.valueOf(e.getMessage()).contains("first record") ? file + ":1" : file.toString();
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String why = String.valueOf(root.getMessage());
        java.util.regex.Matcher number = java.util.regex.Pattern.compile("\\d+").matcher(why);
        long limit = number.find() ? Long.parseLong(number.group()) : 0;
        if (why.startsWith("Maximum number of fields exceeded")) {
            return new InputException(where + ": more than " + limit + " fields in one row; expected at most " + limit
                    + " columns, the most the CSV reader takes", e);
        }
        if (why.contains("maximum buffer size")) {
            return new InputException(where + ": a field longer than " + (limit >> 20) + " MiB, or a quote that never closes;"
                    + " expected fields of at most that size", e);
        }
        return new InputException(where + ": not a readable CSV file (" + InputException.clip(why) + ")", e);
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
