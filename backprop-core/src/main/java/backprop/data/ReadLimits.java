package backprop.data;

import static backprop.internal.Checks.require;

import backprop.InputException;
import java.nio.file.Path;

/**
 * How much a CSV read may take, checked while the file streams (after gunzip), so that a small
 * compressed file that expands to tens of millions of rows, or an input that never ends, is
 * refused with a message before the heap is exhausted rather than by an OutOfMemoryError.
 *
 * <p>Whatever {@code maxRows} says, the rows held may not fill more than a third of the JVM's
 * maximum heap: reading keeps each row's cells and label, and building, splitting and
 * standardizing the data set copy its features about twice more.
 *
 * @param maxRows the most data rows (the {@code --max-rows} option); 0 for as many as the heap holds
 * @param maxBytes the most bytes of text after decompression, and of a pipe as it arrives (the
 *     {@code --max-bytes} option)
 */
public record ReadLimits(long maxRows, long maxBytes) {
    /** As many rows as the heap holds, and at most 4 GiB of text. */
    public static final ReadLimits DEFAULTS = new ReadLimits(0, 4L << 30);

    /** What reading holds per row besides its cells: the label's string and the line number, boxed, in lists. */
    private static final long ROW_BYTES = 80;
    /** The largest array the JVM allocates: the features of every row are one float array. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Checks the limits.
     *
     * @param maxRows 0, or the most rows
     * @param maxBytes the most bytes, positive
     * @throws IllegalArgumentException if a limit is negative or {@code maxBytes} is 0
     */
    public ReadLimits {
        require(maxRows >= 0, "ReadLimits: maxRows must be 0 (what the heap holds) or positive; got %d", maxRows);
        require(maxBytes > 0, "ReadLimits: maxBytes must be positive; got %d", maxBytes);
    }

    /**
     * Refuses the {@code rows}-th row of {@code width} cells when it is past a limit.
     *
     * @param file the file, for the message
     * @param line the row's line
     * @param rows the rows read so far, this one included
     * @param width the cells kept per row
     * @throws InputException naming the limit and the option that raises it
     */
    void checkRow(Path file, long line, long rows, int width) {
        if (maxRows > 0 && rows > maxRows) {
            throw InputException.atLine(file, line, "more than " + maxRows + " rows; expected at most --max-rows "
                    + maxRows + " (give a larger --max-rows to read more)");
        }
        if ((rows & 1023) != 0) {
            return;
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (rows * (ROW_BYTES + 8L * width) > heap / 3 || rows * Math.max(1, width) > MAX_ARRAY) {
            throw InputException.atLine(file, line, rows + " rows of " + width + " columns already fill a third of the Java heap ("
                    + megabytes(heap) + "); expected fewer rows (--max-rows N reads at most N), or a larger heap"
                    + " (BACKPROP_JAVA_OPTS=-Xmx" + Math.max(2, 4 * heap / (1L << 30)) + "g)");
        }
    }

    /**
     * {@return the refusal of an input longer than {@link #maxBytes}}
     *
     * @param file the file, for the message
     * @param what what was counted: text after decompression, or a pipe's bytes
     */
    InputException tooManyBytes(Path file, String what) {
        return InputException.inFile(file, "more than " + size(maxBytes, " GiB", " MiB", " KiB") + " of " + what
                + "; expected at most --max-bytes " + size(maxBytes, "g", "m", "k") + " (give a larger --max-bytes to read more)");
    }

    /**
     * {@return {@code text} as a number of bytes: digits, optionally followed by k, m or g (powers of 1024)}
     *
     * @param text as {@code --max-bytes} takes it, such as {@code 4g} or {@code 500m}
     * @throws IllegalArgumentException if it is not such a size, or not positive
     */
    public static long parseSize(String text) {
        String s = text.strip().toLowerCase(java.util.Locale.ROOT);
        int shift = s.endsWith("k") ? 10 : s.endsWith("m") ? 20 : s.endsWith("g") ? 30 : 0;
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        require(!digits.isEmpty() && digits.length() <= 12 && digits.chars().allMatch(Character::isDigit),
                "must be a size in bytes, such as 500m or 4g; got '%s'", InputException.clip(text));
        long value = Long.parseLong(digits);
        require(value > 0 && value <= Long.MAX_VALUE >> shift, "must be a positive size below 2^63 bytes; got '%s'", text);
        return value << shift;
    }

    /** The largest of the units (GiB, MiB, KiB) that divides {@code bytes}, in the given spellings. */
    private static String size(long bytes, String g, String m, String k) {
        String[] units = {g, m, k};
        for (int i = 0; i < units.length; i++) {
            int shift = 30 - 10 * i;
            if (bytes % (1L << shift) == 0) {
                return (bytes >> shift) + units[i];
            }
        }
        return bytes + (g.startsWith(" ") ? " bytes" : "");
    }

    private static String megabytes(long bytes) {
        return (bytes >> 20) + " MB";
    }
}
