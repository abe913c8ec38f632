package backprop.spark;

import backprop.InputException;
import backprop.io.Checkpoint;
import backprop.nn.Module;
import backprop.optim.Optimizer;
import backprop.train.EpochMetrics;
import backprop.train.History;
import backprop.train.TrainingListener;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;

/**
 * Where a Spark run keeps its checkpoint: a local folder, written by core's {@link Checkpoint} as
 * {@code backprop train} writes it, or a folder on any file system Hadoop reaches by URI
 * ({@code file://}, {@code hdfs://}, {@code s3a://} with its connector on the classpath): there the
 * same files are written locally first, then copied up, tensors first and checkpoint.json last,
 * each under a temporary name renamed over the old one, so that the folder always holds one whole
 * checkpoint (checkpoint.json names its tensors with their SHA-256, which {@link #load} checks).
 */
final class CheckpointStore {
    private CheckpointStore() {}

    /** Whether {@code location} is a URI for Hadoop (a scheme of two letters or more; {@code C:\} is a path). */
    static boolean isUri(String location) {
        int colon = location.indexOf(':');
        return colon > 1 && location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    }

    /** {@code location} as a path to name in messages (a URI's path part). */
    static Path named(String location) {
        return isUri(location) ? Path.of(URI.create(location).getPath()) : Path.of(location);
    }

    /**
     * The listener that writes the run's checkpoint to {@code location} after every epoch.
     *
     * @param arguments the run's command line, which the checkpoint keeps for {@code --resume}
     */
    static TrainingListener writer(String location, Module network, Optimizer optimizer, List<String> arguments, Configuration conf) {
        if (!isUri(location)) {
            return new Checkpoint(Path.of(location), network, optimizer, arguments);
        }
        Path staging = temporaryFolder("backprop-checkpoint");
        return new Uploading(location, staging, new Checkpoint(staging, network, optimizer, arguments), conf);
    }

    /** Whether {@code location} holds a checkpoint (its checkpoint.json). */
    static boolean exists(String location, Configuration conf) {
        if (!isUri(location)) {
            return Checkpoint.exists(Path.of(location));
        }
        try {
            org.apache.hadoop.fs.Path state = new org.apache.hadoop.fs.Path(location, Checkpoint.STATE);
            return state.getFileSystem(conf).isFile(state);
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint: cannot reach " + location + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the checkpoint at {@code location}, as core's {@link Checkpoint#load} does.
     *
     * @throws InputException if it is missing or damaged
     */
    static Checkpoint.Saved load(String location, Configuration conf) {
        if (!isUri(location)) {
            return Checkpoint.load(Path.of(location));
        }
        Path local = temporaryFolder("backprop-resume");
        try {
            org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(location);
            FileSystem fs = folder.getFileSystem(conf);
            for (String name : List.of(Checkpoint.STATE, Checkpoint.TENSORS, Checkpoint.ALTERNATE_TENSORS)) {
                org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(folder, name);
                if (fs.isFile(file)) {
                    fs.copyToLocalFile(false, file, new org.apache.hadoop.fs.Path(local.resolve(name).toUri()), true);
                }
            }
            Checkpoint.Saved saved = Checkpoint.load(local);
            // messages name the file where the user keeps it, not the local copy, deleted below
            return new Checkpoint.Saved(saved.arguments(), saved.parameters(), saved.optimizerState(), saved.epochs(),
                    saved.dataSha256(), saved.bestWeights(), named(location).resolve(saved.tensorFile().getFileName()));
        } catch (IOException e) {
            throw new InputException("checkpoint: cannot read %s: %s".formatted(location, e.getMessage()));
        } finally {
            try (var files = Files.walk(local)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary copy left behind
            }
        }
    }

    private static Path temporaryFolder(String prefix) {
        try {
            Path folder = Files.createTempDirectory(prefix);
            folder.toFile().deleteOnExit();
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint: cannot create a local folder: " + e.getMessage(), e);
        }
    }

    /** Core's checkpoint written to a local folder, then copied to the Hadoop location. */
    private static final class Uploading implements TrainingListener {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final URI location;
        private final Path staging;
        private final Checkpoint local;
        private final Configuration conf;

        Uploading(String location, Path staging, Checkpoint local, Configuration conf) {
            this.location = URI.create(location);
            this.staging = staging;
            this.local = local;
            this.conf = conf;
        }

        @Override
        public void afterEpoch(EpochMetrics metrics, History history) {
            local.afterEpoch(metrics, history);
            try {
                String tensors = JSON.readTree(staging.resolve(Checkpoint.STATE).toFile()).path("tensors").asText();
                org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(location);
                FileSystem fs = folder.getFileSystem(conf);
                fs.mkdirs(folder);
                FileContext files = FileContext.getFileContext(fs.getUri(), conf);
                // checkpoint.json last: until it is renamed into place, the folder's checkpoint is the previous one
                for (String name : List.of(tensors, Checkpoint.STATE)) {
                    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(folder, name);
                    org.apache.hadoop.fs.Path temporary = new org.apache.hadoop.fs.Path(folder, "." + name + ".tmp");
                    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(staging.resolve(name).toUri()), temporary);
                    files.rename(temporary, target, Options.Rename.OVERWRITE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("checkpoint: cannot write to %s: %s".formatted(location, e.getMessage()), e);
            }
        }
    }
}
