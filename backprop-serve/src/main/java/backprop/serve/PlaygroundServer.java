package backprop.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The playground's HTTP server: the calculator page ({@code /calc}), the runs page
 * ({@code /runs}), their static files and a JSON API ({@code /api/...}).
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}: no dependency to ship or keep up, a start
 * in milliseconds, and all this server needs (a dozen routes, small bodies, polling). Every
 * request is answered, a refused one with a 4xx (503 when busy) and {@code {"error": message}};
 * an exception in a handler is answered 500 and logged, and the server goes on.
 *
 * <p>Bound to loopback, it also refuses requests whose {@code Host} is not a loopback name, so
 * that a web page elsewhere cannot reach it through a name that resolves to 127.0.0.1 (DNS
 * rebinding).
 */
public final class PlaygroundServer implements AutoCloseable {
    /** The pages and static files, by request path: nothing else is served from resources. */
    private static final Map<String, String> FILES = Map.ofEntries(
            Map.entry("/calc", "calc.html"),
            Map.entry("/runs", "runs.html"),
            Map.entry("/static/style.css", "style.css"),
            Map.entry("/static/common.js", "common.js"),
            Map.entry("/static/calc.js", "calc.js"),
            Map.entry("/static/runs.js", "runs.js"),
            Map.entry("/static/dagre.min.js", "vendor/dagre.min.js"),
            Map.entry("/static/LICENSE-dagre.txt", "vendor/LICENSE-dagre.txt"));
    private static final String RESOURCES = "static/";
    /** How much of a refused request body is read anyway, so that the client gets the 413 (see {@link #refuse}). */
    private static final long DRAIN_BYTES = 16L << 20;

    private final HttpServer http;
    private final ExecutorService executor;
    private final boolean loopback;
    private final Calculator calculator;
    private final Runs runs;
    private final Limits limits;
    private final Map<String, String> examples;
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    private PlaygroundServer(HttpServer http, ExecutorService executor, Path runs, Limits limits) {
        this.http = http;
        this.executor = executor;
        this.loopback = http.getAddress().getAddress().isLoopbackAddress();
        this.calculator = new Calculator(new Guard(limits));
        this.runs = new Runs(runs);
        this.limits = limits;
        this.examples = Examples.load();
    }

    /**
     * Starts serving on {@code address} (port 0 picks a free port).
     *
     * @param runs the folder of training runs the runs page shows; it need not exist yet
     * @throws IOException when the address cannot be bound (the port is taken, say)
     */
    public static PlaygroundServer start(InetSocketAddress address, Path runs, Limits limits) throws IOException {
        HttpServer http = HttpServer.create(address, 64);
        AtomicInteger count = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "backprop-serve-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        PlaygroundServer server = new PlaygroundServer(http, executor, runs, limits);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        server.warmUp();
        return server;
    }

    /** The port it listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://HOST:PORT/}, with the address it is bound to. */
    public URI uri() {
        InetAddress a = http.getAddress().getAddress();
        String host = a.isAnyLocalAddress() ? "127.0.0.1" : a.getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
    }

    /** Stops listening at once and ends its threads. */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    /**
     * Runs every example once, off the request path: it loads and initializes the calculator's
     * classes (the first request is then as fast as the next), and a program stopped at its time
     * limit can no longer interrupt a class's initialization (see {@link Guard}).
     */
    private void warmUp() {
        Thread t = new Thread(() -> examples.forEach((name, text) -> {
            try {
                Calculator.run(backprop.calc.Source.of(Path.of(name), text), null,
                        com.fasterxml.jackson.databind.node.MissingNode.getInstance(), true);
            } catch (RuntimeException | JsonProcessingException e) {
                // an example that does not run is the examples' tests' business, not the server's
            }
        }), "backprop-serve-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private void handle(HttpExchange x) {
        try (x) {
            try {
                route(x);
            } catch (HttpError e) {
                ObjectNode body = Calculator.JSON.createObjectNode().put("error", e.getMessage()).put("kind", e.kind);
                if (e.line > 0) {
                    body.put("line", e.line).put("column", e.column);
                }
                send(x, e.status, "application/json", Calculator.JSON.writeValueAsBytes(body));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();     // the server is closing
            } catch (Exception | StackOverflowError e) {
                System.err.println("backprop serve: internal error (a bug; please report it) answering "
                        + x.getRequestMethod() + " " + x.getRequestURI() + ":");
                e.printStackTrace();
                send(x, 500, "application/json", Calculator.JSON.writeValueAsBytes(Calculator.JSON.createObjectNode()
                        .put("error", "internal error: " + e).put("kind", "bug")));
            }
        } catch (IOException e) {
            // the browser went away while we answered: nothing to tell it
        }
    }

    private void route(HttpExchange x) throws IOException, InterruptedException {
        if (loopback && !loopbackHost(x.getRequestHeaders().getFirst("Host"))) {
            throw new HttpError(403, "request", "this server answers only to localhost, 127.0.0.1 and [::1]");
        }
        String path = x.getRequestURI().getRawPath();
        String method = x.getRequestMethod();
        if (path.equals("/api/grad")) {
            require(method, "POST");
            send(x, 200, "application/json", Calculator.JSON.writeValueAsBytes(calculator.handle(body(x))));
            return;
        }
        require(method, "GET");
        if (path.equals("/")) {
            x.getResponseHeaders().set("Location", "/calc");
            send(x, 302, "text/plain", new byte[0]);
        } else if (FILES.containsKey(path)) {
            String file = FILES.get(path);
            send(x, 200, contentType(file), cache.computeIfAbsent(file, PlaygroundServer::resource));
        } else if (path.equals("/api/examples")) {
            json(x, Examples.json(examples));
        } else if (path.equals("/api/limits")) {
            json(x, Calculator.JSON.createObjectNode().put("max_program_bytes", limits.maxProgramBytes())
                    .put("time_limit_ms", limits.timeLimit().toMillis()).put("max_allocated_bytes", limits.maxAllocatedBytes()));
        } else if (path.equals("/api/runs")) {
            json(x, runs.list());
        } else if (path.startsWith("/api/runs/")) {
            json(x, runs.run(URLDecoder.decode(path.substring("/api/runs/".length()), StandardCharsets.UTF_8)));
        } else {
            throw HttpError.notFound("no page " + path + "; expected /calc, /runs or /api/...");
        }
    }

    /** The request body, refused (413) past {@link Limits#maxProgramBytes()} before more is read. */
    private byte[] body(HttpExchange x) throws IOException {
        int max = limits.maxProgramBytes();
        String length = x.getRequestHeaders().getFirst("Content-Length");
        HttpError tooLarge = new HttpError(413, "limit", "the request is larger than " + max / 1024
                + " KiB, the server's limit for a program; expected a smaller program");
        try (InputStream in = x.getRequestBody()) {
            if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > max) {
                throw refuse(in, tooLarge);
            }
            byte[] body = in.readNBytes(max + 1);
            if (body.length > max) {
                throw refuse(in, tooLarge);
            }
            return body;
        }
    }

    /**
     * Reads and drops what is left of a refused body, up to {@link #DRAIN_BYTES}: a connection
     * closed with unread data is reset, and the client would see the reset instead of the answer.
     */
    private static HttpError refuse(InputStream in, HttpError answer) throws IOException {
        long skipped = 0;
        byte[] buffer = new byte[8192];
        for (int n; skipped < DRAIN_BYTES && (n = in.read(buffer)) > 0; ) {
            skipped += n;
        }
        return answer;
    }

    private static void require(String method, String expected) {
        if (!method.equals(expected) && !(expected.equals("GET") && method.equals("HEAD"))) {
            throw new HttpError(405, "request", "method " + method + " is not allowed here; expected " + expected);
        }
    }

    private static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.replaceFirst(":\\d+$", "");
        return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("[::1]");
    }

    private static byte[] resource(String file) {
        try (InputStream in = PlaygroundServer.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("bug: the resource " + RESOURCES + file + " is not in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String contentType(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (file.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else if (file.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return "text/plain; charset=utf-8";
    }

    private static void json(HttpExchange x, JsonNode body) throws IOException {
        send(x, 200, "application/json", Calculator.JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        x.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:");
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
