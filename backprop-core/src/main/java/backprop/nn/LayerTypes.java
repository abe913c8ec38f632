package backprop.nn;

import backprop.nn.LayerSpec.ActivationSpec;
import backprop.nn.LayerSpec.DropoutSpec;
import backprop.nn.LayerSpec.LinearSpec;
import backprop.nn.LayerSpec.SequentialSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;

/**
 * The table of module types a {@link LayerSpec} describes, and the two directions through it:
 * module to configuration ({@link #describe}) and JSON-able map to configuration ({@link #read}),
 * the latter for untrusted files, so every field is checked with its path before anything is built.
 */
final class LayerTypes {
    private LayerTypes() {}

    /** How a module's configuration is read from its fields. */
    private interface Reader {
        LayerSpec read(Fields fields);
    }

    /** How a module of the kind's class is described; {@code where} names it in messages about its children. */
    private interface Describer {
        LayerSpec describe(Module module, String where);
    }

    /** One module type: its name in model.json, its class, and the two ways to its configuration. */
    private record Kind(String name, Class<? extends Module> module, Describer describe, Reader read) {}

    /** Every type, in the order messages list them: adding a module type is a record in LayerSpec and a line here. */
    private static final List<Kind> KINDS = kinds();

    private static List<Kind> kinds() {
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("linear", Linear.class, (m, where) -> {
            Linear l = (Linear) m;
            return new LinearSpec(l.inFeatures(), l.outFeatures(), l.bias() != null);
        }, f -> new LinearSpec(f.width("in"), f.width("out"), f.bool("bias"))));
        for (Activation a : Activation.values()) {
            kinds.add(new Kind(a.id(), a.module().getClass(), (m, where) -> new ActivationSpec(a), f -> new ActivationSpec(a)));
        }
        kinds.add(new Kind("dropout", Dropout.class, (m, where) -> new DropoutSpec(((Dropout) m).p()), f -> new DropoutSpec(f.probability("p"))));
        kinds.add(new Kind("sequential", Sequential.class, (m, where) -> {
            List<LayerSpec> layers = new ArrayList<>();
            ((Sequential) m).namedChildren().forEach((name, child) -> layers.add(describe(child, where.isEmpty() ? name : where + "." + name)));
            return new SequentialSpec(layers);
        }, Fields::layers));
        return List.copyOf(kinds);
    }

    static List<String> names() {
        return KINDS.stream().map(Kind::name).toList();
    }

    /** The configuration of {@code module}, found at {@code where} (a dotted child name, or empty for the top). */
    static LayerSpec describe(Module module, String where) {
        for (Kind kind : KINDS) {
            if (kind.module() == module.getClass()) {
                return kind.describe().describe(module, where);
            }
        }
        StringJoiner supported = new StringJoiner(", ");
        KINDS.forEach(k -> supported.add(k.module().getSimpleName()));
        throw new IllegalArgumentException("LayerSpec.of: %s is a %s, which a model file cannot describe; it describes %s"
                .formatted(where.isEmpty() ? "the module" : "module '" + where + "'", module.getClass().getName(), supported));
    }

    /** The configuration {@code map} describes, as {@link LayerSpec#fromMap} promises. */
    static LayerSpec read(Map<String, ?> map, String field) {
        return new Fields(map, field, 0, new int[1]).layer();
    }

    /** An unmodifiable map of {@code type} then the key-value pairs, in order. */
    static Map<String, Object> map(String type, Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", type);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** The index of the first layer whose input width differs from what the layers before it give, or -1. */
    static int misfit(List<LayerSpec> layers) {
        OptionalInt given = OptionalInt.empty();
        for (int i = 0; i < layers.size(); i++) {
            OptionalInt in = layers.get(i).inputWidth();
            if (in.isPresent() && given.isPresent() && in.getAsInt() != given.getAsInt()) {
                return i;
            }
            OptionalInt out = layers.get(i).outputWidth();
            given = out.isPresent() ? out : given;
        }
        return -1;
    }

    /** The output width of {@code layers} applied in order: their last linear layer's, if any. */
    static OptionalInt widthAfter(List<LayerSpec> layers) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i).outputWidth().isPresent()) {
                return layers.get(i).outputWidth();
            }
        }
        return OptionalInt.empty();
    }

    /** The path below a layer to the field that fixes its input width: {@code .in} or {@code .layers[0].in}. */
    private static String inputField(LayerSpec layer) {
        if (layer instanceof SequentialSpec s) {
            for (int i = 0; i < s.layers().size(); i++) {
                if (s.layers().get(i).inputWidth().isPresent()) {
                    return ".layers[" + i + "]" + inputField(s.layers().get(i));
                }
            }
        }
        return ".in";
    }

    /**
     * The fields of one layer's object, read with the object's path for messages.
     *
     * @param count the layers read so far in the whole tree, shared by every level
     */
    private record Fields(Map<String, ?> map, String path, int depth, int[] count) {
        LayerSpec layer() {
            if (++count[0] > LayerSpec.MAX_LAYERS) {
                throw new IllegalArgumentException("field '%s' is one layer too many: a model file may hold at most %d"
                        .formatted(path, LayerSpec.MAX_LAYERS));
            }
            Object type = map.get("type");
            for (Kind kind : KINDS) {
                if (kind.name().equals(type)) {
                    return kind.read().read(this);
                }
            }
            throw bad("type", "must be one of " + String.join(", ", names()), type);
        }

        int width(String name) {
            Object v = map.get(name);
            boolean integral = v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof BigInteger;
            if (!integral || ((Number) v).doubleValue() < 1 || ((Number) v).doubleValue() > Integer.MAX_VALUE) {
                throw bad(name, "must be an integer from 1 to " + Integer.MAX_VALUE, v);
            }
            return ((Number) v).intValue();
        }

        boolean bool(String name) {
            Object v = map.get(name);
            if (!(v instanceof Boolean b)) {
                throw bad(name, "must be true or false", v);
            }
            return b;
        }

        double probability(String name) {
            Object v = map.get(name);
            if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() < 1)) {
                throw bad(name, "must be a number in [0, 1)", v);
            }
            return n.doubleValue();
        }

        SequentialSpec layers() {
            if (depth >= LayerSpec.MAX_DEPTH) {
                // the path repeats one level per nesting: its two ends say where, and keep the message one line
                String where = path.length() <= 100 ? path : path.substring(0, 48) + "..." + path.substring(path.length() - 48);
                throw new IllegalArgumentException("field '%s' nests sequentials %d deep; a model file may nest at most %d"
                        .formatted(where, depth + 1, LayerSpec.MAX_DEPTH));
            }
            Object v = map.get("layers");
            if (!(v instanceof List<?> list)) {
                throw bad("layers", "must be an array of layers", v);
            }
            List<LayerSpec> layers = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String at = path + ".layers[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException("field '%s' must be an object with a type; got %s".formatted(at, show(list.get(i))));
                }
                @SuppressWarnings("unchecked")   // JSON objects have string keys
                Map<String, ?> child = (Map<String, ?>) m;
                layers.add(new Fields(child, at, depth + 1, count).layer());
            }
            int misfit = misfit(layers);
            if (misfit >= 0) {
                throw new IllegalArgumentException("field '%s.layers[%d]%s' must be %d, the width the layers before it give; got %d"
                        .formatted(path, misfit, inputField(layers.get(misfit)), widthAfter(layers.subList(0, misfit)).getAsInt(),
                                layers.get(misfit).inputWidth().getAsInt()));
            }
            return new SequentialSpec(layers);
        }

        private IllegalArgumentException bad(String name, String rule, Object value) {
            String shown = value == null && map.containsKey(name) ? "null" : show(value);
            return new IllegalArgumentException("field '%s.%s' %s; got %s".formatted(path, name, rule, shown));
        }
    }

    /** A value read from JSON as a message shows it: strings quoted and cut short, containers by kind, a missing one as nothing. */
    private static String show(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String s) {
            return '"' + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + '"';
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        return String.valueOf(value);
    }
}
