package backprop.cli;

import backprop.InputException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Renders DOT text to SVG with Graphviz's {@code dot}, found on PATH. */
final class Graphviz {
    private Graphviz() {}

    /** @throws InputException (exit 2) saying Graphviz is needed and how to get it, when {@code dot} is not on PATH */
    static Path requireDot() {
        return findDot().orElseThrow(() -> new InputException(
                "--svg: drawing SVG needs Graphviz's 'dot' program, which is not on PATH; install Graphviz "
                        + "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; or bin/setup), "
                        + "or write --dot OUT.dot and render it elsewhere"));
    }

    static Optional<Path> findDot() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "dot");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The SVG that {@code dot -Tsvg} makes of {@code dotText}. */
    static String svg(String dotText) throws IOException {
        Process p = new ProcessBuilder(requireDot().toString(), "-Tsvg").start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(dotText.getBytes(StandardCharsets.UTF_8));
        }
        try {
            int status = p.waitFor();
            if (status != 0) {
                throw new IllegalStateException("dot -Tsvg failed with status " + status + ": "
                        + new String(stderr.join(), StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for dot", e);
        }
        return new String(stdout.join(), StandardCharsets.UTF_8);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
