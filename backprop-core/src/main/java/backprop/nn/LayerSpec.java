package backprop.nn;

import backprop.internal.Checks;
import backprop.tensor.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/**
 * A module's configuration without its weights, as plain values: what model.json records of a
 * network, what a loader checks before it allocates anything, and what builds the module again.
 * Every module this package offers has one: {@link Linear}, {@link ReLU}, {@link Sigmoid},
 * {@link Tanh}, {@link Softplus}, {@link Dropout} and {@link Sequential}, nested to any depth up to
 * {@link #MAX_DEPTH}.
 *
 * <p>The JSON-able form ({@link #toMap()}, {@link #fromMap}) is an object with a {@code type} and
 * the type's fields: {@code {"type": "linear", "in": 4, "out": 16, "bias": true}},
 * {@code {"type": "relu"}}, {@code {"type": "dropout", "p": 0.5}},
 * {@code {"type": "sequential", "layers": [...]}}. Adding a module type takes its record here and
 * one entry in the package's table of layer types, which both directions read; the model file,
 * its checks and the Spark trainer need nothing more.
 *
 * <p>Widths must fit: within a sequential, a linear layer's {@code in} equals the {@code out} of
 * the last linear layer before it; the activations and dropout keep the width.
 */
public sealed interface LayerSpec permits LayerSpec.LinearSpec, LayerSpec.ActivationSpec, LayerSpec.DropoutSpec, LayerSpec.SequentialSpec {
    /** Sequentials nested deeper than this are refused by {@link #fromMap}: no real network needs it, and each level costs stack. */
    int MAX_DEPTH = 32;
    /** More layers than this, counted over all nesting levels, are refused by {@link #fromMap}. */
    int MAX_LAYERS = 10_000;

    /**
     * {@return the {@code type} field of model.json: {@code linear}, {@code dropout},
     * {@code sequential} or an {@link Activation#id()}; one of {@link #types()}}
     */
    String type();

    /**
     * The JSON-able form: a map with {@code type} first, then the type's fields, whose values are
     * {@link Integer}, {@link Double}, {@link Boolean} or, for a sequential's {@code layers}, a
     * list of such maps. Unmodifiable and serializable.
     *
     * @return a new map that {@link #fromMap} reads back to an equal configuration
     */
    Map<String, Object> toMap();

    /**
     * A fresh module of this configuration: linear layers' weights and biases drawn by
     * {@code init} from {@code initRng} in layer order, dropout masks from {@code dropoutRng}
     * (shared by every dropout layer). The module starts in training mode, as every new module.
     *
     * @param dtype the dtype of the linear layers' parameters: FLOAT32 or FLOAT64
     * @param init how the linear layers' weights and biases are drawn
     * @param initRng the source of the linear layers' initial values; unused when there is none
     * @param dropoutRng the source of every dropout layer's masks, kept by the modules and drawn
     *     from in each training-mode forward pass; unused when there is no dropout layer
     * @return a new module, which {@link #of(Module)} describes as this configuration
     * @throws IllegalArgumentException if {@code dtype} is not floating-point and there is a linear layer
     */
    Module build(DType dtype, Init init, RandomGenerator initRng, RandomGenerator dropoutRng);

    /**
     * The names and shapes of the parameters {@link #build} makes, in {@link Module#namedParameters()}
     * order, computed without allocating them: what a file's weights are checked against before
     * the module is built. {@code weight} is [out, in] and {@code bias} [out]. None by default.
     *
     * @return an unmodifiable map from dotted parameter name ({@code 0.weight}) to shape; empty for
     *     a layer without parameters
     */
    default Map<String, int[]> parameterShapes() {
        return Map.of();
    }

    /**
     * {@return the width of the inputs, fixed by the first linear layer; empty when there is none
     * (the width passes through), as by default}
     */
    default OptionalInt inputWidth() {
        return OptionalInt.empty();
    }

    /**
     * {@return the width of the outputs, fixed by the last linear layer; empty when there is none
     * (the output width is the input's), as by default}
     */
    default OptionalInt outputWidth() {
        return OptionalInt.empty();
    }

    /**
     * The configuration of {@code module}, as model.json records it when the module is saved.
     *
     * @param module a module of this package's types, nested in sequentials to any depth; not
     *     modified
     * @return a configuration whose {@link #build} makes a module of the same classes and
     *     parameter shapes (with new weights)
     * @throws IllegalArgumentException naming the module's class and the supported types when it
     *     (or a module inside it) is of a type this package cannot describe, such as a user's own
     *     {@link Module} subclass, or when a sequential's widths do not fit
     */
    static LayerSpec of(Module module) {
        return LayerTypes.describe(module, "");
    }

    /**
     * The configuration a JSON-able map describes, checked completely before anything is built:
     * known types, fields present and of the right type and range, widths that fit, at most
     * {@link #MAX_DEPTH} levels and {@link #MAX_LAYERS} layers.
     *
     * @param map the object read from JSON: numbers may be any {@link Number}, lists any {@link List}
     * @param field the field's name in the file, for messages: {@code architecture}
     * @return the configuration described; its {@link #toMap()} gives the known fields back, numbers
     *     as {@link Integer} and {@link Double} whatever {@link Number} the map held
     * @throws IllegalArgumentException {@code field 'architecture.layers[2].out' must be an integer >= 1; got -3}
     */
    static LayerSpec fromMap(Map<String, ?> map, String field) {
        return LayerTypes.read(map, field);
    }

    /** {@return the names {@link #type()} can have, in the order messages list them: an unmodifiable list} */
    static List<String> types() {
        return LayerTypes.names();
    }

    /**
     * {@link Linear}: {@code y = x W^T + b}.
     *
     * @param in the width of the inputs, at least 1
     * @param out the width of the outputs, at least 1
     * @param bias whether there is a bias {@code b}
     */
    record LinearSpec(int in, int out, boolean bias) implements LayerSpec {
        /**
         * Checks the widths.
         *
         * @param in the width of the inputs, at least 1
         * @param out the width of the outputs, at least 1
         * @param bias whether there is a bias {@code b}
         * @throws IllegalArgumentException unless both widths are positive
         */
        public LinearSpec {
            Checks.require(in > 0 && out > 0, "LinearSpec: widths must be positive; got %d -> %d", in, out);
        }

        @Override
        public String type() {
            return "linear";
        }

        @Override
        public Map<String, Object> toMap() {
            return LayerTypes.map(type(), "in", in, "out", out, "bias", bias);
        }

        @Override
        public Module build(DType dtype, Init init, RandomGenerator initRng, RandomGenerator dropoutRng) {
            return new Linear(in, out, bias, init, dtype, initRng);
        }

        @Override
        public Map<String, int[]> parameterShapes() {
            Map<String, int[]> shapes = new LinkedHashMap<>();
            shapes.put("weight", new int[] {out, in});
            if (bias) {
                shapes.put("bias", new int[] {out});
            }
            return Collections.unmodifiableMap(shapes);
        }

        @Override
        public OptionalInt inputWidth() {
            return OptionalInt.of(in);
        }

        @Override
        public OptionalInt outputWidth() {
            return OptionalInt.of(out);
        }
    }

    /**
     * An element-wise activation without parameters: {@link ReLU}, {@link Sigmoid}, {@link Tanh} or {@link Softplus}.
     *
     * @param activation which one; its {@link Activation#id()} is the {@code type}
     */
    record ActivationSpec(Activation activation) implements LayerSpec {
        /**
         * Checks the activation is given.
         *
         * @param activation which one; not null
         * @throws IllegalArgumentException if {@code activation} is null
         */
        public ActivationSpec {
            Checks.require(activation != null, "ActivationSpec: the activation must be given");
        }

        /** The activation's {@link Activation#id()}. */
        @Override
        public String type() {
            return activation.id();
        }

        @Override
        public Map<String, Object> toMap() {
            return LayerTypes.map(type());
        }

        @Override
        public Module build(DType dtype, Init init, RandomGenerator initRng, RandomGenerator dropoutRng) {
            return activation.module();
        }
    }

    /**
     * {@link Dropout}: in training mode each element is zeroed with probability {@code p}.
     *
     * @param p in [0, 1)
     */
    record DropoutSpec(double p) implements LayerSpec {
        /**
         * Checks the probability.
         *
         * @param p the probability of zeroing an element, in [0, 1)
         * @throws IllegalArgumentException unless 0 &lt;= p &lt; 1
         */
        public DropoutSpec {
            Checks.require(p >= 0 && p < 1, "DropoutSpec: p must be in [0, 1); got %s", p);
        }

        @Override
        public String type() {
            return "dropout";
        }

        @Override
        public Map<String, Object> toMap() {
            return LayerTypes.map(type(), "p", p);
        }

        @Override
        public Module build(DType dtype, Init init, RandomGenerator initRng, RandomGenerator dropoutRng) {
            return new Dropout(p, dropoutRng);
        }
    }

    /**
     * {@link Sequential}: the layers applied one after the other; layer {@code i}'s parameters are
     * named {@code i.weight}, {@code i.bias}, ...
     *
     * @param layers the layers in order, possibly none; an unmodifiable copy
     */
    record SequentialSpec(List<LayerSpec> layers) implements LayerSpec {
        /**
         * Copies the list and checks that the widths fit.
         *
         * @param layers the layers in order, possibly none; not null and without nulls; copied
         * @throws IllegalArgumentException if a linear layer's {@code in} differs from the width the layers before it give
         * @throws NullPointerException if {@code layers} or one of them is null
         */
        public SequentialSpec {
            layers = List.copyOf(layers);
            int misfit = LayerTypes.misfit(layers);
            if (misfit >= 0) {
                throw new IllegalArgumentException("SequentialSpec: layer %d takes inputs of width %d; the layers before it give %d"
                        .formatted(misfit, layers.get(misfit).inputWidth().getAsInt(), LayerTypes.widthAfter(layers.subList(0, misfit)).getAsInt()));
            }
        }

        @Override
        public String type() {
            return "sequential";
        }

        @Override
        public Map<String, Object> toMap() {
            List<Map<String, Object>> maps = new ArrayList<>();
            layers.forEach(layer -> maps.add(layer.toMap()));
            return LayerTypes.map(type(), "layers", Collections.unmodifiableList(maps));
        }

        /** The {@link Sequential} of each layer's module, built in order. */
        @Override
        public Sequential build(DType dtype, Init init, RandomGenerator initRng, RandomGenerator dropoutRng) {
            List<Module> modules = new ArrayList<>();
            layers.forEach(layer -> modules.add(layer.build(dtype, init, initRng, dropoutRng)));
            return new Sequential(modules);
        }

        @Override
        public Map<String, int[]> parameterShapes() {
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (int i = 0; i < layers.size(); i++) {
                String prefix = i + ".";
                layers.get(i).parameterShapes().forEach((name, shape) -> shapes.put(prefix + name, shape));
            }
            return Collections.unmodifiableMap(shapes);
        }

        @Override
        public OptionalInt inputWidth() {
            for (LayerSpec layer : layers) {
                if (layer.inputWidth().isPresent()) {
                    return layer.inputWidth();
                }
            }
            return OptionalInt.empty();
        }

        @Override
        public OptionalInt outputWidth() {
            return LayerTypes.widthAfter(layers);
        }
    }
}
