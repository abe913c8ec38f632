package backprop.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The bad-input corpus: the {@code *.cases} files under {@code src/test/resources/corpus}, whose
 * format its README describes. Each case is a command line, the files it reads, and what its
 * one message must say; {@link CorpusTest} runs them.
 */
final class Corpus {
    /**
     * One bad input: {@code reader} is the manifest it comes from (calculator, csv, idx, model, flags);
     * {@code status} the exit status it must end in, 2 (bad input) unless an {@code exit:} line says 1 (a failed run).
     */
    record Case(String reader, String name, List<String> args, String starts, List<String> says,
                List<String> uses, Map<String, byte[]> files, int status) {
        @Override
        public String toString() {
            return reader + ": " + name;
        }

        /** Writes the fixtures it uses, then its own files, into {@code folder}. */
        void writeInto(Path folder, Map<String, Case> fixtures) throws IOException {
            for (String use : uses) {
                Case fixture = fixtures.get(use);
                if (fixture == null) {
                    throw new IllegalStateException(this + ": no fixture " + use);
                }
                fixture.writeInto(folder, fixtures);
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path file = folder.resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, f.getValue());
            }
        }
    }

    private static final Pattern FILE = Pattern.compile("--- (\\S+)(?: \\((hex|safetensors \\+ (\\d+) bytes|safetensors \\+ hex)\\))?");

    private Corpus() {}

    /** Every case and fixture (names starting with {@code @}) of the {@code *.cases} files in {@code folder}. */
    static List<Case> read(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Case> all = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".cases")).sorted().toList()) {
                String reader = f.getFileName().toString().replace(".cases", "");
                all.addAll(parse(reader, Files.readAllLines(f, StandardCharsets.UTF_8)));
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cases start at {@code == NAME}; before a file's {@code ---} line, {@code #} lines are comments. */
    static List<Case> parse(String reader, List<String> lines) {
        List<Case> cases = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (!line.startsWith("== ")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    throw new IllegalArgumentException(reader + ".cases:" + (i + 1) + ": expected '== NAME'; got " + line);
                }
                i++;
                continue;
            }
            String name = line.substring(3).strip();
            List<String> args = List.of();
            String starts = null;
            List<String> says = new ArrayList<>();
            List<String> uses = new ArrayList<>();
            Map<String, byte[]> files = new LinkedHashMap<>();
            int status = 2;
            i++;
            for (; i < lines.size() && !lines.get(i).startsWith("== ") && !lines.get(i).startsWith("--- "); i++) {
                String l = lines.get(i);
                if (l.startsWith("$ ")) {
                    args = List.of(l.substring(2).strip().split(" +"));
                } else if (l.startsWith("starts: ")) {
                    starts = l.substring(8);
                } else if (l.startsWith("says: ")) {
                    says.add(l.substring(6));
                } else if (l.startsWith("exit: ")) {
                    status = Integer.parseInt(l.substring(6).strip());
                } else if (l.startsWith("use ")) {
                    uses.add(l.substring(4).strip());
                } else if (!l.isBlank() && !l.startsWith("#")) {
                    throw new IllegalArgumentException(reader + ".cases:" + (i + 1) + ": unknown line " + l);
                }
            }
            while (i < lines.size() && lines.get(i).startsWith("--- ")) {
                Matcher m = FILE.matcher(lines.get(i));
                if (!m.matches()) {
                    throw new IllegalArgumentException(reader + ".cases:" + (i + 1) + ": expected '--- PATH [(hex)]'; got " + lines.get(i));
                }
                StringBuilder body = new StringBuilder();
                for (i++; i < lines.size() && !lines.get(i).startsWith("== ") && !lines.get(i).startsWith("--- "); i++) {
                    body.append(lines.get(i)).append('\n');
                }
                files.put(m.group(1), m.group(2) == null ? body.toString().getBytes(StandardCharsets.UTF_8)
                        : m.group(2).equals("hex") ? hex(body.toString())
                        : m.group(3) == null ? safetensors(body.toString().strip().split("\n", 2))
                        : safetensors(body.toString().strip(), new byte[Integer.parseInt(m.group(3))]));
            }
            boolean fixture = name.startsWith("@");
            if (!fixture && (args.isEmpty() || starts == null)) {
                throw new IllegalArgumentException(reader + ".cases: case '" + name + "' needs a '$ ' command line and a 'starts: ' line");
            }
            cases.add(new Case(reader, name, args, starts, says, uses, files, status));
        }
        return cases;
    }

    /** Hex digits in pairs; white space and {@code #} comments to the end of a line are ignored. */
    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("#[^\n]*", "").replaceAll("\\s", ""));
    }

    /** A safetensors file: the header's length (8 bytes, little-endian), the header, then the data. */
    private static byte[] safetensors(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).put(data).array();
    }

    /** {@code (safetensors + hex)}: the header on the first line, the data in hex on the lines after it. */
    private static byte[] safetensors(String[] headerThenHex) {
        return safetensors(headerThenHex[0].strip(), headerThenHex.length < 2 ? new byte[0] : hex(headerThenHex[1]));
    }
}
