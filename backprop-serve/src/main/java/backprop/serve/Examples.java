package backprop.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The repository's {@code examples/*.bp}, which the build copies into this module's resources:
 * the page's examples are the files the README and the tests use, not copies of them.
 */
final class Examples {
    static final String FOLDER = "backprop/serve/examples";

    private Examples() {}

    /** The examples by file name, in name order. */
    static Map<String, String> load() {
        URL url = Examples.class.getClassLoader().getResource(FOLDER);
        if (url == null) {
            return Map.of();
        }
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return read(jar.getPath(FOLDER));
                }
            }
            return read(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bug: the class loader gave a malformed URL " + url, e);
        }
    }

    private static Map<String, String> read(Path folder) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".bp")).sorted().toList();
        }
        for (Path p : files) {
            out.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** {@code [{"name": ..., "text": ...}]}. */
    static ArrayNode json(Map<String, String> examples) {
        ArrayNode out = Calculator.JSON.createArrayNode();
        examples.forEach((name, text) -> out.addObject().put("name", name).put("text", text));
        return out;
    }
}
