package backprop.serve;

import backprop.InputException;
import backprop.calc.Evaluator;
import backprop.calc.JsonReport;
import backprop.calc.Parser;
import backprop.calc.Source;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** A server on 127.0.0.1 over a copy of the test runs, and what the tests compare its pages with. */
final class Playground implements AutoCloseable {
    static final Path FIXTURE_RUNS = Path.of("src/test/resources/runs");
    static final String FINISHED = "iris-finished";
    static final String LIVE = "iris-live";

    final Path runs;
    final PlaygroundServer server;

    Playground(Path temp, Limits limits) throws IOException {
        this.runs = temp.resolve("runs");
        copy(FIXTURE_RUNS, runs);
        writeLive(1);
        this.server = PlaygroundServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), runs, limits);
    }

    String url(String path) {
        return server.uri().resolve(path).toString();
    }

    @Override
    public void close() {
        server.close();
    }

    /** A run in progress after {@code epochs} epochs: the finished run's checkpoint cut short, and no metrics.json. */
    void writeLive(int epochs) throws IOException {
        ObjectNode checkpoint = (ObjectNode) Calculator.JSON.readTree(
                FIXTURE_RUNS.resolve(FINISHED).resolve(Runs.CHECKPOINT).toFile());
        ArrayNode all = (ArrayNode) checkpoint.get("epochs");
        ArrayNode some = checkpoint.putArray("epochs");
        for (int i = 0; i < epochs; i++) {
            some.add(all.get(i));
        }
        checkpoint.put("epoch", epochs);
        Path file = runs.resolve(LIVE).resolve(Runs.CHECKPOINT);
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling("checkpoint.json.tmp");     // atomically, as train writes it
        Calculator.JSON.writeValue(temp.toFile(), checkpoint);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The live run finishes: its metrics.json and model.json appear, as train writes them at the end. */
    void finishLive() throws IOException {
        for (String f : new String[] {Runs.MODEL, Runs.METRICS}) {
            Files.copy(FIXTURE_RUNS.resolve(FINISHED).resolve(f), runs.resolve(LIVE).resolve(f));
        }
    }

    /** The examples as the page lists them. */
    /** The message the command line prints for what {@code r} refuses. */
    static String cliMessage(Runnable r) {
        try {
            r.run();
        } catch (InputException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected an input error");
    }

    static Map<String, String> examples() {
        return Examples.load();
    }

    /** What {@code backprop grad FILE --json} prints for this program, as a tree. */
    static JsonNode gradJson(String name, String program) {
        try {
            return Calculator.JSON.readTree(JsonReport.render(Evaluator.run(Parser.parse(Source.of(Path.of(name), program)), null)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request written by hand on a socket, so that nothing normalizes its path or headers; the status line and body. */
    String[] raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int blank = response.indexOf("\r\n\r\n");
            return new String[] {response.substring(0, response.indexOf("\r\n")), blank < 0 ? "" : response.substring(blank + 4)};
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
