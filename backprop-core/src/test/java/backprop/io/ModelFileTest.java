package backprop.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import backprop.autograd.GradMode;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.nn.Dropout;
import backprop.nn.Init;
import backprop.nn.Linear;
import backprop.nn.Module;
import backprop.nn.ReLU;
import backprop.nn.Sequential;
import backprop.nn.Softplus;
import backprop.nn.Tanh;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import backprop.train.Objective;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format version 2: any module this library offers, saved and loaded to the last bit. */
class ModelFileTest {
    static final List<String> FEATURES = List.of("a", "b", "c", "d");
    static final List<String> CLASSES = List.of("x", "y", "z");

    @TempDir
    Path dir;

    /** A network built by hand, of every module type, nested, one linear layer without a bias. */
    static Sequential handBuilt(DType dtype) {
        return handBuilt(dtype, 11);
    }

    static Sequential handBuilt(DType dtype, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Linear(4, 8, true, Init.PYTORCH, dtype, rng), new Tanh(), new Dropout(0.1, rng),
                new Sequential(new Linear(8, 8, false, Init.PYTORCH, dtype, rng), new Softplus()),
                new Linear(8, 3, true, Init.PYTORCH, dtype, rng));
    }

    static Tensor rows(DType dtype) {
        return Tensor.uniform(new SplittableRandom(5), -2, 2, dtype, 9, 4);
    }

    @Test
    void aHandBuiltNetworkLoadsWithTheSameStateAndOutputsBitForBit() {
        for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
            Sequential net = handBuilt(dtype);
            net.eval();
            Path folder = dir.resolve(dtype.toString());
            ModelFile.save(folder, SavedModel.of(net, Objective.CROSS_ENTROPY, FEATURES, CLASSES));
            SavedModel loaded = ModelFile.load(folder);

            assertSameState(loaded.network().stateDict(), net.stateDict());
            Module fresh = handBuilt(dtype, 99);   // other weights, the same names
            fresh.loadStateDict(loaded.network().stateDict());   // strict: every name, every shape
            assertSameState(fresh.stateDict(), net.stateDict());
            assertThat(loaded.network().toString()).isEqualTo(net.toString());
            assertThat(loaded.network().isTraining()).isFalse();
            try (var noGrad = GradMode.disabled()) {
                assertThat(loaded.network().forward(rows(dtype)).toDoubleArray()).isEqualTo(net.forward(rows(dtype)).toDoubleArray());
            }
            assertThat(loaded.objective()).isEqualTo(Objective.CROSS_ENTROPY);
            assertThat(loaded.task()).isEqualTo(Task.CLASSIFICATION);
            assertThat(loaded.features()).isEqualTo(FEATURES);
            assertThat(loaded.classes()).isEqualTo(CLASSES);
            assertThat(loaded.standardizer()).isNull();
        }
    }

    @Test
    void loadingAndSavingAgainKeepsTheStateDictAndTheWeightsFileBitForBit() throws IOException {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        ModelFile.save(first, SavedModel.of(handBuilt(DType.FLOAT32), Objective.CROSS_ENTROPY, FEATURES, CLASSES));
        SavedModel loaded = ModelFile.load(first);
        ModelFile.save(second, loaded);
        assertSameState(ModelFile.load(second).network().stateDict(), loaded.network().stateDict());
        assertThat(Files.readAllBytes(second.resolve(ModelFile.WEIGHTS))).isEqualTo(Files.readAllBytes(first.resolve(ModelFile.WEIGHTS)));
    }

    @Test
    void modelJsonListsTheLayers() throws IOException {
        Standardizer std = Standardizer.of(new float[] {1, 2, 3, 4}, new float[] {1, 1, 2, 2});
        ModelFile.save(dir, new SavedModel(handBuilt(DType.FLOAT64), Objective.CROSS_ENTROPY, Task.CLASSIFICATION, FEATURES, CLASSES,
                std, Map.of("seed", 3, "data", Map.of("source", "hand", "rows", List.of(1, 2)))));
        JsonNode json = Json.MAPPER.readTree(dir.resolve(ModelFile.JSON).toFile());
        assertThat(json.get("format_version").asInt()).isEqualTo(2);
        assertThat(json.get("architecture")).isEqualTo(Json.MAPPER.readTree("""
                {"type": "sequential", "layers": [
                  {"type": "linear", "in": 4, "out": 8, "bias": true},
                  {"type": "tanh"},
                  {"type": "dropout", "p": 0.1},
                  {"type": "sequential", "layers": [{"type": "linear", "in": 8, "out": 8, "bias": false}, {"type": "softplus"}]},
                  {"type": "linear", "in": 8, "out": 3, "bias": true}]}
                """));
        assertThat(json.get("weights").get("dtype").asText()).isEqualTo("F64");
        assertThat(json.get("provenance")).isEqualTo(Json.MAPPER.readTree("{\"seed\": 3, \"data\": {\"source\": \"hand\", \"rows\": [1, 2]}}"));
        SavedModel loaded = ModelFile.load(dir);
        assertThat(loaded.provenance()).isEqualTo(Map.of("seed", 3, "data", Map.of("source", "hand", "rows", List.of(1, 2))));
        assertThat(loaded.standardizer().stds()).containsExactly(1, 1, 2, 2);
    }

    @Test
    void aTopLevelLinearIsAModelToo() {
        Linear logistic = new Linear(4, 1);
        ModelFile.save(dir, SavedModel.of(logistic, Objective.BCE, FEATURES, List.of("no", "yes")));
        assertSameState(ModelFile.load(dir).network().stateDict(), logistic.stateDict());
        assertThat(ModelFile.load(dir).network()).isInstanceOf(Linear.class);
    }

    @Test
    void aModuleThatCannotBeDescribedIsRefusedBeforeAnythingIsWritten() {
        Module own = new Module() {
            @Override
            public Tensor forward(Tensor input) {
                return input.relu();
            }
        };
        Path folder = dir.resolve("never");
        assertThatThrownBy(() -> ModelFile.save(folder, SavedModel.of(new Sequential(new Linear(4, 3), own), Objective.CROSS_ENTROPY,
                FEATURES, CLASSES)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("module '1' is a " + own.getClass().getName())
                .hasMessageContaining("it describes Linear, ReLU, Sigmoid, Tanh, Softplus, Dropout, Sequential");
        assertThat(folder).doesNotExist();
    }

    @Test
    void aDescriptionThatDoesNotFitTheNetworkIsRefusedBeforeAnythingIsWritten() {
        Path folder = dir.resolve("never");
        assertThatThrownBy(() -> ModelFile.save(folder, SavedModel.of(handBuilt(DType.FLOAT32), Objective.CROSS_ENTROPY,
                List.of("a", "b", "c"), CLASSES)))
                .hasMessage("ModelFile.save: the model does not hold together, so load would refuse it: lists 3 features for a network of 4 inputs");
        assertThatThrownBy(() -> ModelFile.save(folder, SavedModel.of(handBuilt(DType.FLOAT32), Objective.BCE, FEATURES, CLASSES)))
                .hasMessageContaining("has 3 classes, which does not fit 3 outputs under the bce loss (it needs 1)");
        assertThatThrownBy(() -> ModelFile.save(folder, SavedModel.of(new Sequential(new Linear(4, 3), new Linear(3, 3, true, Init.PYTORCH,
                DType.FLOAT64, new SplittableRandom(1))), Objective.CROSS_ENTROPY, FEATURES, CLASSES)))
                .hasMessage("ModelFile.save: every parameter must have one dtype; '1.weight' is FLOAT64 and those before it FLOAT32");
        assertThatThrownBy(() -> ModelFile.save(folder, SavedModel.of(handBuilt(DType.FLOAT32), Objective.CROSS_ENTROPY, FEATURES, CLASSES)
                .withProvenance(Map.of("data", Map.of("path", Path.of("x.csv"))))))
                .hasMessageStartingWith("provenance.data.path: must hold only JSON values");
        assertThatThrownBy(() -> ModelFile.save(folder, SavedModel.of(new ReLU(), Objective.CROSS_ENTROPY, List.of(), List.of())))
                .hasMessageEndingWith("field 'features' must name at least one input column; got []");
        assertThat(folder).doesNotExist();
    }

    @Test
    void aBadLayerIsAnInputErrorNamingTheFileAndTheField() throws IOException {
        ModelFile.save(dir, SavedModel.of(handBuilt(DType.FLOAT32), Objective.CROSS_ENTROPY, FEATURES, CLASSES));
        Path json = dir.resolve(ModelFile.JSON);
        Files.writeString(json, Files.readString(json).replaceFirst("\"out\" : 3", "\"out\" : -3"));
        assertThatThrownBy(() -> ModelFile.load(dir)).isInstanceOf(InputException.class)
                .hasMessage(json + ": field 'architecture.layers[4].out' must be an integer from 1 to 2147483647; got -3");
    }

    static void assertSameState(Map<String, Tensor> actual, Map<String, Tensor> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, t) -> {
            Tensor a = actual.get(name);
            assertThat(a.dtype()).as(name).isEqualTo(t.dtype());
            assertThat(a.shape()).as(name).isEqualTo(t.shape());
            assertThat(Arrays.equals(a.toDoubleArray(), t.toDoubleArray())).as(name + " bit for bit").isTrue();
        });
    }
}
