package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Java serialization in the modules of the {@code backprop} command, so that loading a file
 * can never run code: every file is read as data (JSON trees, bytes, CSV cells), never as
 * objects. Also barred: XMLDecoder, and Jackson's polymorphic typing, which names classes to
 * instantiate in the JSON itself.
 */
class NoJavaSerializationTest {
    private static final List<String> MODULES = List.of("backprop-core", "backprop-blas", "backprop-app", "backprop-cli");
    private static final Pattern FORBIDDEN = Pattern.compile("\\bObject(Input|Output)Stream\\b|\\bSerializable\\b"
            + "|\\b(readObject|readResolve|readExternal)\\s*\\(|\\bExternalizable\\b|\\bXMLDecoder\\b"
            + "|\\b(enable|activate)DefaultTyping\\b|@JsonTypeInfo");

    @Test
    void noMainSourceDeserializesObjects() throws IOException {
        List<String> found = new ArrayList<>();
        for (String module : MODULES) {
            Path sources = ProcessTest.MODULE.getParent().resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        Matcher m = FORBIDDEN.matcher(lines.get(i));
                        if (m.find()) {
                            found.add(file + ":" + (i + 1) + ": " + m.group());
                        }
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void thePatternCatchesWhatItBars() {
        assertThat(List.of("new ObjectInputStream(in)", "class A implements Serializable", "o.readObject()",
                "mapper.activateDefaultTyping(v)", "@JsonTypeInfo(use = CLASS)", "new java.beans.XMLDecoder(in)"))
                .allMatch(line -> FORBIDDEN.matcher(line).find());
        assertThat(FORBIDDEN.matcher("private static final long serialVersionUID = 1L;").find()).isFalse();
    }
}
