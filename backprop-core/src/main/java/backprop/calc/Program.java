package backprop.calc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed and name-checked program: its definitions in the order written, every name defined
 * once and used only after its definition.
 *
 * @param source the text, for error messages
 * @param definitions at least one, in definition order
 */
public record Program(Source source, List<Definition> definitions) {
    public Program {
        definitions = List.copyOf(definitions);
    }

    /** The definition of {@code name}, if the program has one. */
    public Optional<Definition> find(String name) {
        return definitions.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** Definitions by name, in definition order. */
    public Map<String, Definition> byName() {
        Map<String, Definition> map = new LinkedHashMap<>();
        definitions.forEach(d -> map.put(d.name(), d));
        return map;
    }

    /** The last definition: the default output. */
    public Definition last() {
        return definitions.get(definitions.size() - 1);
    }
}
