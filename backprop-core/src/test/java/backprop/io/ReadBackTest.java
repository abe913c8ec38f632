package backprop.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import backprop.autograd.GradMode;
import backprop.nn.Init;
import backprop.nn.Linear;
import backprop.nn.Sequential;
import backprop.nn.Tanh;
import backprop.optim.Adam;
import backprop.optim.Optimizer;
import backprop.optim.Sgd;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import backprop.train.EpochMetrics;
import backprop.train.History;
import backprop.train.Objective;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: our own files, hand-edited, are read back without trust. Each bad field is refused
 * with one message naming the file and the field, never a NullPointerException or an index
 * error, and what save writes always loads.
 */
class ReadBackTest {
    static final List<String> FEATURES = List.of("a", "b");
    static final List<String> CLASSES = List.of("no", "yes", "maybe");

    @TempDir
    Path dir;

    static Sequential network(DType dtype) {
        SplittableRandom rng = new SplittableRandom(3);
        return new Sequential(new Linear(2, 4, true, Init.PYTORCH, dtype, rng), new Tanh(), new Linear(4, 3, true, Init.PYTORCH, dtype, rng));
    }

    /** A saved model whose model.json {@code edit} changes, as a hand would. */
    private Path edited(Consumer<ObjectNode> edit) throws IOException {
        ModelFile.save(dir, SavedModel.of(network(DType.FLOAT32), Objective.CROSS_ENTROPY, FEATURES, CLASSES)
                .withProvenance(Map.of("seed", 7, "data", Map.of("source", "x.csv", "sha256", "00", "held_out_split", true),
                        "configuration", Map.of("hidden", "4"))));
        Path json = dir.resolve(ModelFile.JSON);
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(json.toFile());
        edit.accept(tree);
        Files.writeString(json, tree.toString());
        return json;
    }

    private void refused(Consumer<ObjectNode> edit, String message) throws IOException {
        Path json = edited(edit);
        assertThatThrownBy(() -> ModelFile.load(dir)).isExactlyInstanceOf(InputException.class).hasMessage(json + ": " + message);
    }

    @Test
    void theSavedModelLoadsWithItsProvenance() throws IOException {
        edited(tree -> {});
        assertThat(ModelFile.load(dir).provenance()).containsEntry("seed", 7).containsKey("data");
    }

    @Test
    void namesThatRepeatAreRefused() throws IOException {
        refused(t -> t.putArray("classes").add("no").add("yes").add("no"),
                "field 'classes' names 'no' twice; expected distinct class names (which output would it be?)");
        refused(t -> t.putArray("features").add("a").add("a"), "field 'features' names 'a' twice; expected distinct column names");
        assertThatThrownBy(() -> ModelFile.save(dir.resolve("never"), SavedModel.of(network(DType.FLOAT32), Objective.CROSS_ENTROPY,
                List.of("a", "a"), CLASSES))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names 'a' twice");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void aProvenanceOfTheWrongShapeIsRefusedNamingTheField() throws IOException {
        refused(t -> t.put("provenance", "x"), "field 'provenance' must be an object; got \"x\"");
        refused(t -> ((ObjectNode) t.get("provenance")).put("seed", "abc"), "field 'provenance.seed' must be an integer; got \"abc\"");
        refused(t -> ((ObjectNode) t.get("provenance")).put("data", 5), "field 'provenance.data' must be an object; got 5");
        refused(t -> ((ObjectNode) t.get("provenance").get("data")).put("held_out_split", "yes"),
                "field 'provenance.data.held_out_split' must be true or false; got \"yes\"");
        refused(t -> ((ObjectNode) t.get("provenance").get("configuration")).putArray("hidden").add(4),
                "field 'provenance.configuration.hidden' must be a string or null; got [4]");
    }

    @Test
    void aNulCharacterAnywhereIsRefusedNamingWhereItIs() throws IOException {
        refused(t -> ((ObjectNode) t.get("provenance").get("data")).put("source", "a\0b"),
                "field 'provenance.data.source' holds a NUL character (\\u0000); expected text without one");
        refused(t -> t.putArray("classes").add("no").add("y\0es").add("maybe"),
                "field 'classes[1]' holds a NUL character (\\u0000); expected text without one");
        refused(t -> ((ObjectNode) t.get("provenance")).put("k\0ey", 1),
                "field 'provenance.k\\u0000ey' holds a NUL character (\\u0000); expected text without one");
        assertThatThrownBy(() -> ModelFile.save(dir.resolve("never"), SavedModel.of(network(DType.FLOAT32), Objective.CROSS_ENTROPY,
                FEATURES, CLASSES).withProvenance(Map.of("note", "a\0")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field 'provenance.note' holds a NUL character");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedByItsWholePathAndQuotedShort() throws IOException {
        refused(t -> t.put("preprocessing", 3), "field 'preprocessing' must be an object; got 3");
        refused(t -> ((ObjectNode) t.get("preprocessing")).putObject("standardize").put("means", 5),
                "field 'preprocessing.standardize.means' must be an array; got 5");
        refused(t -> ((ObjectNode) t.get("weights")).put("sha256", 5), "field 'weights.sha256' must be a string; got 5");
        Path json = edited(t -> t.put("task", "x".repeat(5000)));
        assertThatThrownBy(() -> ModelFile.load(dir)).isExactlyInstanceOf(InputException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(json + ": field 'task': ").hasSizeLessThan(300));
    }

    @Test
    void nonFiniteWeightsAreRefusedAtLoadAndAtSave() throws IOException {
        Sequential net = network(DType.FLOAT64);
        ModelFile.save(dir, SavedModel.of(net, Objective.CROSS_ENTROPY, FEATURES, CLASSES));
        Path weights = dir.resolve(ModelFile.WEIGHTS);
        Map<String, Tensor> state = new LinkedHashMap<>(SafeTensors.read(weights));
        double[] w = state.get("2.weight").toDoubleArray();
        w[5] = Double.NaN;
        state.put("2.weight", Tensor.wrap(w, 3, 4));
        SafeTensors.write(weights, state, Map.of());
        Path json = dir.resolve(ModelFile.JSON);
        Files.writeString(json, Files.readString(json).replaceFirst("\"sha256\" : \"[0-9a-f]+\"", "\"sha256\" : \"\""));
        assertThatThrownBy(() -> ModelFile.load(dir)).isExactlyInstanceOf(InputException.class)
                .hasMessage(weights + ": tensor '2.weight' holds NaN at [1, 1]; expected finite numbers");

        try (var noGrad = GradMode.disabled()) {
            net.namedParameters().get("0.bias").doubleData()[2] = Double.NEGATIVE_INFINITY;
        }
        Path other = dir.resolve("other");
        assertThatThrownBy(() -> ModelFile.save(other, SavedModel.of(net, Objective.CROSS_ENTROPY, FEATURES, CLASSES)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(other.resolve(ModelFile.WEIGHTS) + ": tensor '0.bias' holds -Infinity at [2]");
        assertThat(other).doesNotExist();
    }

    /** A checkpoint of one epoch of {@code optimizer} over {@code net}, its tensors then replaced by {@code edit}'s. */
    private Path checkpoint(Sequential net, Optimizer optimizer, Consumer<Map<String, Tensor>> edit) {
        net.zeroGrad();
        net.forward(Tensor.ones(DType.FLOAT32, 5, 2)).sum().backward();
        optimizer.step();
        Path folder = dir.resolve("run");
        new Checkpoint(folder, net, optimizer, List.of("--data", "x.csv")).afterEpoch(epoch(1), new History(List.of(epoch(1))));
        Path tensors = folder.resolve(Checkpoint.TENSORS);
        Map<String, Tensor> all = new LinkedHashMap<>(SafeTensors.read(tensors));
        edit.accept(all);
        SafeTensors.write(tensors, all, Map.of());
        Path state = folder.resolve(Checkpoint.STATE);
        try {
            Files.writeString(state, Files.readString(state).replaceFirst("\"tensors_sha256\" : \"[0-9a-f]+\"",
                    "\"tensors_sha256\" : \"" + ModelFile.sha256(tensors) + "\""));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return tensors;
    }

    private static EpochMetrics epoch(int n) {
        return new EpochMetrics(n, 1, 0.5, 1, 0.5, Double.NaN, 0.1, 0.1, 5);
    }

    private void restoreRefused(Consumer<Map<String, Tensor>> edit, boolean sgd, String message) {
        Sequential net = network(DType.FLOAT32);
        Optimizer optimizer = sgd ? new Sgd(net.parameters(), 0.1, Sgd.Options.DEFAULTS.withMomentum(0.9, false)) : new Adam(net.parameters(), 0.01);
        Path tensors = checkpoint(net, optimizer, edit);
        Sequential fresh = network(DType.FLOAT32);
        Optimizer freshOptimizer = sgd ? new Sgd(fresh.parameters(), 0.1, Sgd.Options.DEFAULTS.withMomentum(0.9, false)) : new Adam(fresh.parameters(), 0.01);
        Map<String, Tensor> before = fresh.stateDict();
        assertThatThrownBy(() -> Checkpoint.load(dir.resolve("run")).restore(fresh, freshOptimizer, dir.resolve("run")))
                .isExactlyInstanceOf(InputException.class).hasMessage(tensors + ": " + message);
        assertThat(freshOptimizer.state()).as("a refused state leaves the optimizer as it was").isEmpty();
        fresh.stateDict().forEach((name, t) -> assertThat(t.toDoubleArray()).containsExactly(before.get(name).toDoubleArray()));
    }

    @Test
    void anOptimizerStateThatDoesNotFitIsRefusedNamingTheFileAndTheEntry() {
        restoreRefused(t -> t.put("optimizer.0.m", Tensor.zeros(DType.FLOAT64, 5)), false,
                "tensors 'optimizer.*' do not fit the optimizer of this run: state '0.m' must hold 8 values"
                        + " (as many as parameter 0 has); got 5");
        restoreRefused(t -> t.remove("optimizer.1.v"), false,
                "tensors 'optimizer.*' do not fit the optimizer of this run: state of parameter 1 has 2 of its 3 entries [m, v, step];"
                        + " expected all or none");
        restoreRefused(t -> t.put("optimizer.9.m", Tensor.zeros(DType.FLOAT64, 1)), false,
                "tensors 'optimizer.*' do not fit the optimizer of this run: state '9.m' is not this optimizer's;"
                        + " expected <index>.{m,v,step} for an index from 0 to 3");
        restoreRefused(t -> t.put("optimizer.0.step", Tensor.wrap(new double[] {0.5}, 1)), false,
                "tensors 'optimizer.*' do not fit the optimizer of this run: state '0.step' must be a whole number of steps >= 1; got 0.5");
        restoreRefused(t -> t.put("optimizer.0.momentum", Tensor.zeros(DType.FLOAT64, 7)), true,
                "tensors 'optimizer.*' do not fit the optimizer of this run: state '0.momentum' must hold 8 values"
                        + " (as many as parameter 0 has); got 7");
        restoreRefused(t -> t.put("0.weight", Tensor.zeros(DType.FLOAT32, 2, 4)), false,
                "tensor '0.weight' is F32 of shape [2, 4]; the network of this run needs F32 of shape [4, 2]");
        restoreRefused(t -> t.put("best.0.bias", Tensor.zeros(DType.FLOAT32, 4)), false, "tensor 'best.0.weight' is missing;"
                + " the network of this run has it, with shape [4, 2]");
        restoreRefused(t -> t.put("3.weight", Tensor.zeros(DType.FLOAT32, 1)), false,
                "tensor '3.weight' is not a parameter of the network of this run (expected [0.weight, 0.bias, 2.weight, 2.bias])");
    }

    @Test
    void anOptimizerStateOfTwoDimensionsOrNonFiniteValuesIsRefusedAtLoad() {
        Sequential net = network(DType.FLOAT32);
        Path tensors = checkpoint(net, new Adam(net.parameters(), 0.01), t -> t.put("optimizer.0.m", Tensor.zeros(DType.FLOAT64, 2, 4)));
        assertThatThrownBy(() -> Checkpoint.load(dir.resolve("run"))).isExactlyInstanceOf(InputException.class)
                .hasMessage(tensors + ": tensor 'optimizer.0.m' has shape [2, 4]; optimizer state is one-dimensional");
        checkpoint(network(DType.FLOAT32), new Adam(network(DType.FLOAT32).parameters(), 0.01),
                t -> t.put("optimizer.1.v", Tensor.wrap(new double[] {1, Double.POSITIVE_INFINITY, 0, 0}, 4)));
        assertThatThrownBy(() -> Checkpoint.load(dir.resolve("run"))).isExactlyInstanceOf(InputException.class)
                .hasMessage(tensors + ": tensor 'optimizer.1.v' holds Infinity at [1]; expected finite numbers");
    }

    @Test
    void epochsThatDoNotAddUpAreRefusedNamingTheField() throws IOException {
        Sequential net = network(DType.FLOAT32);
        checkpoint(net, new Adam(net.parameters(), 0.01), t -> {});
        Path state = dir.resolve("run").resolve(Checkpoint.STATE);
        String good = Files.readString(state);
        Map<String, String> edits = Map.of(
                "\"epoch\" : 1,\n  \"tensors\"", "field 'epoch' must be the number of entries of 'epochs', 1; got 2",
                "\"train_loss\" : 1.0", "field 'epochs[0].train_loss' must be a finite number or null; got \"x\"",
                "\"samples\" : 5", "field 'epochs[0].samples' must be a whole number >= 0; got -5",
                "\"arguments\" : [ \"--data\"", "field 'arguments[0]' must be a string; got 7",
                "\"tensors\" : \"checkpoint.safetensors\"", "field 'tensors' must be a string; got 1");
        Map<String, String> replacements = Map.of(
                "\"epoch\" : 1,\n  \"tensors\"", "\"epoch\" : 2,\n  \"tensors\"",
                "\"train_loss\" : 1.0", "\"train_loss\" : \"x\"",
                "\"samples\" : 5", "\"samples\" : -5",
                "\"arguments\" : [ \"--data\"", "\"arguments\" : [ 7",
                "\"tensors\" : \"checkpoint.safetensors\"", "\"tensors\" : 1");
        edits.forEach((find, message) -> {
            assertThat(good).contains(find);
            try {
                Files.writeString(state, good.replace(find, replacements.get(find)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            assertThatThrownBy(() -> Checkpoint.load(dir.resolve("run"))).isExactlyInstanceOf(InputException.class)
                    .hasMessage(state + ": " + message);
        });
    }
}
