package backprop.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The training runs under one folder, read-only: what {@code backprop train --out DIR} wrote
 * there (docs/training.md). A finished run has {@code metrics.json} and {@code model.json}; a
 * run in progress has only {@code checkpoint/checkpoint.json}, rewritten after every epoch, which
 * the page polls.
 *
 * <p>A run is named by its folder's name alone, which may not contain a separator or start with
 * a dot, and its real path (links followed) must lie inside the runs folder's: nothing outside
 * that folder is ever read. Every file read is size-checked first and may be malformed: a
 * problem is reported in the answer, never a failure of the server.
 */
final class Runs {
    static final String METRICS = "metrics.json";
    static final String MODEL = "model.json";
    static final String CHECKPOINT = "checkpoint/checkpoint.json";
    /** Larger files than this are not read: a run's JSON files are kilobytes. */
    private static final long MAX_FILE_BYTES = 16L << 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    private final Path root;

    Runs(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The folder, as given on the command line. */
    Path root() {
        return root;
    }

    /** Every run, the most recently updated first: name, status, data, epochs so far, test accuracy. */
    ObjectNode list() throws IOException {
        ObjectNode out = Calculator.JSON.createObjectNode();
        out.put("folder", root.toString());
        ArrayNode runs = out.putArray("runs");
        if (!Files.isDirectory(root)) {
            out.put("missing", true);
            return out;
        }
        List<ObjectNode> found = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path dir : (Iterable<Path>) children::iterator) {
                String name = dir.getFileName().toString();
                if (NAME.matcher(name).matches() && inside(dir) && isRun(dir)) {
                    found.add(summary(name, read(dir)));
                }
            }
        }
        found.sort(Comparator.comparingLong((ObjectNode r) -> r.path("updated").asLong()).reversed());
        found.forEach(runs::add);
        return out;
    }

    /**
     * One run: status, options, epochs, final metrics, confusion matrix, architecture.
     *
     * @throws HttpError 404 for a name that is not a run of this folder
     */
    ObjectNode run(String name) throws IOException {
        HttpError none = HttpError.notFound("no run named '" + name + "' in " + root + "; expected a folder that backprop train wrote");
        if (!NAME.matcher(name).matches()) {        // before resolving: no separator, no "..", nothing a path could misread
            throw none;
        }
        Path dir = root.resolve(name);
        if (!inside(dir) || !isRun(dir)) {
            throw none;
        }
        return read(dir);
    }

    private static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve(METRICS)) || Files.isRegularFile(dir.resolve(MODEL))
                || Files.isRegularFile(dir.resolve(CHECKPOINT));
    }

    /** True when {@code p} is a folder whose real path lies inside the runs folder's. */
    private boolean inside(Path p) {
        try {
            Path real = p.toRealPath();
            return Files.isDirectory(real) && real.startsWith(root.toRealPath()) && !real.equals(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private ObjectNode read(Path dir) throws IOException {
        ObjectNode out = Calculator.JSON.createObjectNode();
        ArrayNode problems = Calculator.JSON.createArrayNode();
        JsonNode metrics = json(dir, METRICS, problems);
        JsonNode model = json(dir, MODEL, problems);
        JsonNode checkpoint = json(dir, CHECKPOINT, problems);
        out.put("name", dir.getFileName().toString());
        out.put("status", metrics != null ? "finished" : checkpoint != null ? "running" : "starting");
        out.put("updated", updated(dir));
        JsonNode epochs = metrics != null ? metrics.path("epochs") : checkpoint != null ? checkpoint.path("epochs") : null;
        out.set("epochs", epochs != null && epochs.isArray() ? epochs : Calculator.JSON.createArrayNode());
        if (metrics != null) {
            ObjectNode last = out.putObject("metrics");
            metrics.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("epochs") && !e.getKey().equals("confusion")) {
                    last.set(e.getKey(), e.getValue());
                }
            });
            out.set("data", metrics.path("data"));
            if (metrics.path("confusion").isArray()) {
                out.set("confusion", metrics.get("confusion"));
            }
        }
        out.set("options", options(model, checkpoint));
        if (model != null) {
            out.set("architecture", model.path("architecture"));
            for (String field : List.of("objective", "task", "classes", "features")) {
                if (model.has(field)) {
                    out.set(field, model.get(field));
                }
            }
        }
        out.set("problems", problems);
        return out;
    }

    private static ObjectNode summary(String name, ObjectNode run) {
        ObjectNode s = Calculator.JSON.createObjectNode();
        s.put("name", name);
        s.set("status", run.get("status"));
        s.set("updated", run.get("updated"));
        s.put("epochs", run.path("epochs").size());
        s.set("data", run.path("options").path("data"));
        s.set("test_accuracy", run.path("metrics").path("test_accuracy"));
        return s;
    }

    /** The options as the run recorded them: the model's provenance when finished, else the command line it started with. */
    private static ObjectNode options(JsonNode model, JsonNode checkpoint) {
        ObjectNode out = Calculator.JSON.createObjectNode();
        JsonNode configuration = model == null ? null : model.path("provenance").path("configuration");
        if (configuration != null && configuration.isObject()) {
            configuration.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    out.set(e.getKey(), e.getValue());
                }
            });
            return out;
        }
        if (checkpoint != null) {
            List<String> args = new ArrayList<>();
            checkpoint.path("arguments").forEach(a -> args.add(a.asText()));
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.startsWith("--")) {
                    boolean valued = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
                    out.put(a.substring(2), valued ? args.get(++i) : "true");
                }
            }
        }
        return out;
    }

    private static JsonNode json(Path dir, String file, ArrayNode problems) {
        Path p = dir.resolve(file);
        try {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            if (Files.size(p) > MAX_FILE_BYTES) {
                problems.add(file + ": larger than " + (MAX_FILE_BYTES >> 20) + " MiB; not read");
                return null;
            }
            JsonNode tree = Calculator.JSON.readTree(Files.readAllBytes(p));
            if (tree == null || !tree.isObject()) {
                problems.add(file + ": not a JSON object; not read");
                return null;
            }
            return tree;
        } catch (NoSuchFileException e) {
            return null;        // replaced between the look and the read: the next poll sees the new one
        } catch (IOException e) {
            problems.add(file + ": " + e.getMessage());
            return null;
        }
    }

    private static long updated(Path dir) throws IOException {
        long latest = Files.getLastModifiedTime(dir).toMillis();
        for (String f : List.of(METRICS, MODEL, CHECKPOINT)) {
            Path p = dir.resolve(f);
            if (Files.exists(p)) {
                latest = Math.max(latest, Files.getLastModifiedTime(p).toMillis());
            }
        }
        return latest;
    }
}
