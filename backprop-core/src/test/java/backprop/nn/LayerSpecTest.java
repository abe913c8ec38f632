package backprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.nn.LayerSpec.ActivationSpec;
import backprop.nn.LayerSpec.DropoutSpec;
import backprop.nn.LayerSpec.LinearSpec;
import backprop.nn.LayerSpec.SequentialSpec;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayerSpecTest {
    /** Every module type, nested. */
    static Sequential handBuilt() {
        SplittableRandom rng = new SplittableRandom(7);
        return new Sequential(new Linear(4, 8, true, Init.PYTORCH, DType.FLOAT32, rng), new Tanh(), new Dropout(0.1, rng),
                new Sequential(new Linear(8, 8, false, Init.PYTORCH, DType.FLOAT32, rng), new Softplus()),
                new ReLU(), new Sigmoid(), new Linear(8, 3, true, Init.PYTORCH, DType.FLOAT32, rng));
    }

    @Test
    void describesEveryModuleTypeAndBuildsItAgain() {
        LayerSpec spec = LayerSpec.of(handBuilt());
        assertThat(spec).isEqualTo(new SequentialSpec(List.of(new LinearSpec(4, 8, true), new ActivationSpec(Activation.TANH),
                new DropoutSpec(0.1), new SequentialSpec(List.of(new LinearSpec(8, 8, false), new ActivationSpec(Activation.SOFTPLUS))),
                new ActivationSpec(Activation.RELU), new ActivationSpec(Activation.SIGMOID), new LinearSpec(8, 3, true))));
        Module rebuilt = spec.build(DType.FLOAT64, Init.HE, new SplittableRandom(1), new SplittableRandom(2));
        assertThat(rebuilt.toString()).isEqualTo(handBuilt().toString());
        assertThat(LayerSpec.of(rebuilt)).isEqualTo(spec);
        assertThat(spec.inputWidth()).hasValue(4);
        assertThat(spec.outputWidth()).hasValue(3);
        assertThat(LayerSpec.types()).containsExactly("linear", "relu", "sigmoid", "tanh", "softplus", "dropout", "sequential");
    }

    @Test
    void aTopLevelModuleNeedNotBeASequential() {
        assertThat(LayerSpec.of(new Linear(3, 2))).isEqualTo(new LinearSpec(3, 2, true));
        assertThat(LayerSpec.of(new ReLU()).inputWidth()).isEmpty();
        assertThat(LayerSpec.fromMap(Map.of("type", "dropout", "p", 0.25), "architecture")).isEqualTo(new DropoutSpec(0.25));
    }

    @Test
    void parameterShapesAreThoseBuildMakesInItsOrder() {
        LayerSpec spec = LayerSpec.of(handBuilt());
        Map<String, int[]> built = new LinkedHashMap<>();
        spec.build(DType.FLOAT32, Init.PYTORCH, new SplittableRandom(1), new SplittableRandom(2)).namedParameters()
                .forEach((name, p) -> built.put(name, p.shape()));
        Map<String, int[]> shapes = spec.parameterShapes();
        assertThat(List.copyOf(shapes.keySet())).containsExactly("0.weight", "0.bias", "3.0.weight", "6.weight", "6.bias")
                .isEqualTo(List.copyOf(built.keySet()));
        built.forEach((name, shape) -> assertThat(shapes.get(name)).as(name).isEqualTo(shape));
    }

    @Test
    void theMapFormIsJsonValuesAndReadsBackEqual() {
        LayerSpec spec = LayerSpec.of(handBuilt());
        Map<String, Object> map = spec.toMap();
        assertThat(map.keySet()).containsExactly("type", "layers");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> layers = (List<Map<String, Object>>) map.get("layers");
        assertThat(layers.get(0)).containsExactly(Map.entry("type", "linear"), Map.entry("in", 4), Map.entry("out", 8), Map.entry("bias", true));
        assertThat(layers.get(1)).containsExactly(Map.entry("type", "tanh"));
        assertThat(layers.get(2)).containsExactly(Map.entry("type", "dropout"), Map.entry("p", 0.1));
        assertThat(LayerSpec.fromMap(map, "architecture")).isEqualTo(spec);
        // JSON readers may give any integral Number for a width.
        assertThat(LayerSpec.fromMap(Map.of("type", "linear", "in", 4L, "out", (short) 2, "bias", false), "a"))
                .isEqualTo(new LinearSpec(4, 2, false));
    }

    @Test
    void aModuleOfAnotherTypeIsRefusedNamingItsClassAndWhereItSits() {
        Module own = new Module() {
            @Override
            public Tensor forward(Tensor input) {
                return input;
            }
        };
        assertThatThrownBy(() -> LayerSpec.of(new Sequential(new Linear(2, 2), new Sequential(new ReLU(), own))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("LayerSpec.of: module '1.1' is a " + own.getClass().getName() + ", which a model file cannot describe")
                .hasMessageEndingWith("it describes Linear, ReLU, Sigmoid, Tanh, Softplus, Dropout, Sequential");
    }

    @Test
    void widthsThatDoNotFitAreRefused() {
        assertThatThrownBy(() -> LayerSpec.of(new Sequential(new Linear(4, 8), new ReLU(), new Linear(9, 3))))
                .hasMessage("SequentialSpec: layer 2 takes inputs of width 9; the layers before it give 8");
    }

    @Test
    void badMapsAreRefusedNamingTheField() {
        refused(Map.of("type", "conv2d"),
                "field 'architecture.type' must be one of linear, relu, sigmoid, tanh, softplus, dropout, sequential; got \"conv2d\"");
        refused(Map.of("in", 2), "field 'architecture.type' must be one of linear, relu, sigmoid, tanh, softplus, dropout, sequential; got nothing");
        refused(layers(linear(4, 8), Map.of("type", "relu"), linear(8, -3)),
                "field 'architecture.layers[2].out' must be an integer from 1 to 2147483647; got -3");
        refused(layers(Map.of("type", "linear", "in", 4, "bias", true)),
                "field 'architecture.layers[0].out' must be an integer from 1 to 2147483647; got nothing");
        refused(layers(Map.of("type", "linear", "in", 4.0, "out", 2, "bias", true)),
                "field 'architecture.layers[0].in' must be an integer from 1 to 2147483647; got 4.0");
        refused(layers(Map.of("type", "linear", "in", 4, "out", 2, "bias", "yes")),
                "field 'architecture.layers[0].bias' must be true or false; got \"yes\"");
        refused(layers(Map.of("type", "dropout", "p", 1)), "field 'architecture.layers[0].p' must be a number in [0, 1); got 1");
        refused(Map.of("type", "sequential", "layers", Map.of()), "field 'architecture.layers' must be an array of layers; got an object");
        refused(Map.of("type", "sequential", "layers", List.of(3)), "field 'architecture.layers[0]' must be an object with a type; got 3");
        refused(layers(linear(4, 8), layers(Map.of("type", "tanh"), linear(9, 2))),
                "field 'architecture.layers[1].layers[1].in' must be 8, the width the layers before it give; got 9");
        refused(layers(linear(4, 8), layers(layers(linear(7, 2)))),
                "field 'architecture.layers[1].layers[0].layers[0].in' must be 8, the width the layers before it give; got 7");
        Map<String, Object> withNull = new HashMap<>(linear(2, 2));
        withNull.put("bias", null);
        refused(withNull, "field 'architecture.bias' must be true or false; got null");
    }

    @Test
    void depthAndSizeAreLimitedBeforeAnythingIsBuilt() {
        Map<String, Object> deep = Map.of("type", "relu");
        for (int i = 0; i < LayerSpec.MAX_DEPTH; i++) {
            deep = layers(deep);
        }
        assertThat(LayerSpec.fromMap(deep, "architecture").inputWidth()).isEmpty();
        assertThatThrownBy(() -> LayerSpec.fromMap(layers(layersDeeper(LayerSpec.MAX_DEPTH)), "architecture"))
                .hasMessageContaining("nests sequentials 33 deep; a model file may nest at most 32");
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < LayerSpec.MAX_LAYERS; i++) {
            many.add(Map.of("type", "relu"));
        }
        assertThatThrownBy(() -> LayerSpec.fromMap(Map.of("type", "sequential", "layers", many), "architecture"))
                .hasMessage("field 'architecture.layers[9999]' is one layer too many: a model file may hold at most 10000");
    }

    private static Map<String, Object> layersDeeper(int levels) {
        Map<String, Object> m = Map.of("type", "relu");
        for (int i = 0; i < levels; i++) {
            m = layers(m);
        }
        return m;
    }

    private static void refused(Map<String, ?> map, String message) {
        assertThatThrownBy(() -> LayerSpec.fromMap(map, "architecture")).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private static Map<String, Object> linear(int in, int out) {
        return Map.of("type", "linear", "in", in, "out", out, "bias", true);
    }

    @SafeVarargs
    private static Map<String, Object> layers(Map<String, ?>... layers) {
        return Map.of("type", "sequential", "layers", List.of(layers));
    }
}
