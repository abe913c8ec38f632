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
    /**
     * Copies the definitions; the names are not checked here but by {@link Parser#parse}.
     *
     * @param source the text, for error messages
     * @param definitions at least one, in definition order; copied
     */
    public Program {
        definitions = List.copyOf(definitions);
    }

    /**
     * {@return the definition of {@code name}, or empty if the program has none}
     *
     * @param name any name; case-sensitive
     */
    public Optional<Definition> find(String name) {
        return definitions.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** {@return a new modifiable map of the definitions by name, in definition order} */
    public Map<String, Definition> byName() {
        Map<String, Definition> map = new LinkedHashMap<>();
        definitions.forEach(d -> map.put(d.name(), d));
        return map;
    }

    /** {@return the last definition: the node differentiated when no {@code --of} names one} */
    public Definition last() {
        return definitions.get(definitions.size() - 1);
    }
}
