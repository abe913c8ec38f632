package backprop.app;

import backprop.InputException;
import backprop.train.EpochMetrics;
import backprop.train.History;
import backprop.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a training run holds while it runs: the lock on its folder (a second run on the same
 * {@code --out} exits 2 at once instead of mixing its files into the first's), and a shutdown
 * hook that, when SIGINT or SIGTERM ends the run, waits for a checkpoint being written and says
 * in one line where the run stopped and how to resume it. The JVM then exits with 130 or 143.
 *
 * <p>Wrap the checkpoint listener with {@link #guarding} so that the hook never interrupts its write.
 */
public final class RunGuard implements TrainingListener, AutoCloseable {
    /** The lock file in the run's folder. */
    public static final String LOCK = ".lock";

    private final Path folder;
    private final FileChannel channel;
    private final FileLock lock;
    private final Thread hook;
    private final Object writing = new Object();
    private volatile int epoch;
    private volatile int step;
    private volatile boolean done;

    private RunGuard(Path folder, FileChannel channel, FileLock lock, PrintWriter err) {
        this.folder = folder;
        this.channel = channel;
        this.lock = lock;
        this.hook = new Thread(() -> {
            synchronized (writing) {   // the last checkpoint is whole before the JVM goes
                if (!done) {
                    err.printf("interrupted at epoch %d, step %d; resume with: backprop train --resume %s%n", epoch, step, folder);
                    err.flush();
                }
            }
        }, "backprop-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Locks {@code folder} for this run, creating it, and installs the shutdown hook.
     *
     * @param folder the run's folder
     * @param err where the interruption line goes
     * @return the guard, to close when the run's files are written
     * @throws InputException if another run holds the folder, or it cannot be created
     */
    public static RunGuard lock(Path folder, PrintWriter err) {
        try {
            Files.createDirectories(folder);
            FileChannel channel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw InputException.inFile(folder, "another run is writing to this folder (it holds " + LOCK
                        + "); expected a folder no run is using: another --out, or wait for that run");
            }
            return new RunGuard(folder, channel, lock, err);
        } catch (IOException e) {
            throw new InputException(folder + ": cannot create the run's folder: " + e.getMessage(), e);
        }
    }

    /**
     * Checks, before any training, that a path given for an output can be written: not empty, not a
     * folder, its folder existing and writable, and not one of the run's inputs.
     *
     * @param option the option, for the message
     * @param path the output path; null when not given
     * @param inputs the files the run reads (null entries and built-in names are skipped)
     * @throws InputException naming the option when it cannot be written or would overwrite an input
     */
    public static void requireWritable(String option, Path path, Path... inputs) {
        if (path == null) {
            return;
        }
        Options.require(!path.toString().isBlank(), option, "must be a path", "''");
        Options.require(!Files.isDirectory(path), option, "must be a file, not a folder", path);
        Path parent = path.toAbsolutePath().getParent();
        Options.require(parent != null && Files.isDirectory(parent) && Files.isWritable(parent), option,
                "its folder must exist and be writable", path);
        for (Path input : inputs) {
            Options.require(input == null || !sameFile(path, input), option, "must not be one of the run's inputs ("
                    + input + "), which it would overwrite", path);
        }
    }

    /** True if both name one existing file: by canonical path and by file key (hard links, symbolic links). */
    public static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /**
     * {@return {@code listener} with its epoch-end work done under the guard's monitor} so that the
     * shutdown hook waits for a checkpoint being written.
     *
     * @param listener the checkpoint listener
     */
    public TrainingListener guarding(TrainingListener listener) {
        return new TrainingListener() {
            @Override
            public void afterEpoch(EpochMetrics metrics, History history) {
                synchronized (writing) {
                    listener.afterEpoch(metrics, history);
                }
            }
        };
    }

    @Override
    public void afterStep(int epoch, int step, double loss, int batchSize) {
        this.epoch = epoch;
        this.step = step;
    }

    /** Marks the run as done (no interruption line), removes the hook and releases the folder. */
    @Override
    public void close() {
        done = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran: nothing to remove
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // released when the process ends anyway
        }
    }
}
