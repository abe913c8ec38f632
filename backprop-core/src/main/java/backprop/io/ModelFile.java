package backprop.io;

import backprop.InputException;
import backprop.data.Columns;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.internal.Checks;
import backprop.nn.Activation;
import backprop.nn.Init;
import backprop.nn.LayerSpec;
import backprop.nn.Mlp;
import backprop.nn.Module;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import backprop.train.Objective;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A model folder: {@code model.json} (format version, architecture, objective, columns, classes,
 * preprocessing, weights' dtype and SHA-256, provenance) and {@code model.safetensors} (the
 * weights, under the module's state-dict names {@code 0.weight}, {@code 0.bias}, ...).
 *
 * <p>Format version 2 records the architecture as the module's layers ({@link LayerSpec#toMap()}):
 * <pre>{@code
 * "architecture": {"type": "sequential", "layers": [
 *     {"type": "linear", "in": 4, "out": 16, "bias": true}, {"type": "relu"}, {"type": "dropout", "p": 0.5},
 *     {"type": "linear", "in": 16, "out": 3, "bias": true}]}
 * }</pre>
 * Version 1 recorded a multilayer perceptron, {@code {"type": "mlp", "inputs": 4, "hidden": [16],
 * "outputs": 3, "activation": "relu", "dropout": 0.5, "init": "pytorch"}}; it is read as the
 * layers {@link Mlp#spec()} lays out, which have the same parameter names.
 *
 * <p>model.json's other fields: {@code "format": "backprop4j-model"}, {@code format_version},
 * {@code objective} ({@link Objective#id()}), {@code task} ({@code classification} or
 * {@code regression}), {@code features} and {@code classes} (arrays of strings, {@code classes}
 * empty for regression), {@code preprocessing} (an object, with
 * {@code "standardize": {"means": [...], "stds": [...]}} when the inputs are standardized, one
 * number per feature), {@code weights} ({@code file}, always {@value #WEIGHTS}; {@code dtype},
 * {@code "F32"} or {@code "F64"}, F32 when absent; {@code sha256}, not checked when absent) and
 * {@code provenance} (any JSON object, see {@link SavedModel#provenance()}).
 *
 * <p>The weights are written first and model.json last, each atomically, and model.json records
 * the SHA-256 of the weights: a folder with a model.json holds a complete model, and a weights
 * file that does not match is refused. A model.json of a newer format version is refused with
 * a message; older versions are read.
 *
 * <p>The preprocessing, applied in this order, is {@code "preprocessing"}'s optional members:
 * <pre>{@code
 * "preprocessing": {
 *   "columns": {"target": "price", "id": "id", "inputs": [                  (Columns: by name, then encoded)
 *       {"name": "weight", "type": "numeric", "fill": 3.5},                  fill: a missing cell's value
 *       {"name": "kind", "type": "categorical", "categories": ["apple", "pear", ""]}]},   one-hot; "" = missing
 *   "standardize": {"means": [...], "stds": [...]},                          (the features, after the columns)
 *   "target_standardize": {"means": [m], "stds": [s]}}                       (regression: value = output * s + m)
 * }</pre>
 * Version 3 is written only for a model a version-2 reader would misread: one whose targets are
 * standardized (it would print standardized values) or whose columns are encoded (categories or
 * fills); any other model is written as version 2, which older programs read alike.
 */
public final class ModelFile {
    /** The format this program writes; it reads every version up to this one. */
    public static final int FORMAT_VERSION = 3;
    /** The description's file name in a model folder. */
    public static final String JSON = "model.json";
    /** The weights' file name in a model folder. */
    public static final String WEIGHTS = "model.safetensors";

    private ModelFile() {}

    /**
     * Writes {@code model} into {@code folder}, creating the folder if needed; nothing is written
     * when the model is refused. The folder's {@link #WEIGHTS} and {@link #JSON} are replaced, in
     * that order; other files in it are left alone.
     *
     * @param folder the model folder; created with its parents if missing
     * @param model the network and its description; not modified
     * @throws IllegalArgumentException if the network holds a module {@link LayerSpec} cannot
     *     describe (naming its class), its parameters are not all of one dtype, or the features,
     *     classes, objective, task or standardizer do not fit the network (what {@link #load} would
     *     refuse), or the provenance holds a value that is not JSON
     * @throws InputException if the folder or a file cannot be written
     */
    public static void save(Path folder, SavedModel model) {
        LayerSpec spec = LayerSpec.of(model.network());
        DType dtype = dtypeOf(model.network());
        String misfit = misfit(spec, model.objective(), model.task(), model.features(), model.classes());
        Checks.require(misfit == null, "ModelFile.save: the model does not hold together, so load would refuse it: %s", misfit);
        Checks.require(model.standardizer() == null || model.standardizer().numFeatures() == model.features().size(),
                "ModelFile.save: the standardizer is for %d features; the model has %d",
                model.standardizer() == null ? 0 : model.standardizer().numFeatures(), model.features().size());
        JsonNode provenance = Json.toJson(model.provenance(), "provenance");   // before writing: it may refuse a value
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw InputException.inFile(folder, "cannot create the model folder: " + e.getMessage());
        }
        Path weights = folder.resolve(WEIGHTS);
        SafeTensors.write(weights, model.network().stateDict(), Map.of("format", "pt"));

        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("format", "backprop4j-model");
        boolean needsThree = model.targetStandardizer() != null || (model.columns() != null && model.columns().encodes());
        json.put("format_version", needsThree ? FORMAT_VERSION : 2);
        json.set("architecture", Json.toJson(spec.toMap(), "architecture"));
        json.put("objective", model.objective().id());
        json.put("task", model.task().id());
        strings(json.putArray("features"), model.features());
        strings(json.putArray("classes"), model.classes());
        ObjectNode pre = json.putObject("preprocessing");
        if (model.columns() != null) {
            columns(pre.putObject("columns"), model.columns());
        }
        if (model.standardizer() != null) {
            standardizer(pre.putObject("standardize"), model.standardizer());
        }
        if (model.targetStandardizer() != null) {
            standardizer(pre.putObject("target_standardize"), model.targetStandardizer());
        }
        ObjectNode w = json.putObject("weights");
        w.put("file", WEIGHTS);
        w.put("dtype", SafeTensorsHeader.code(dtype));
        w.put("sha256", sha256(weights));
        json.set("provenance", provenance);
        AtomicFiles.writeJson(folder.resolve(JSON), json);
    }

    /**
     * What keeps a network of {@code spec} from meaning what the rest of model.json says, as the
     * message after the file's name; null when everything fits.
     */
    private static String misfit(LayerSpec spec, Objective objective, Task task, List<String> features, List<String> classes) {
        if (features.isEmpty()) {
            return "field 'features' must name at least one input column; got []";   // a network of no inputs predicts nothing
        }
        int inputs = spec.inputWidth().orElse(features.size());
        if (features.size() != inputs) {
            return "lists %d features for a network of %d inputs".formatted(features.size(), inputs);
        }
        int outputs = spec.outputWidth().orElse(inputs);
        if (objective.outputs(classes.size()) != outputs) {
            return "has %d classes, which does not fit %d outputs under the %s loss (it needs %d)"
                    .formatted(classes.size(), outputs, objective.id(), objective.outputs(classes.size()));
        }
        try {
            objective.checkFits(task, classes.size());
        } catch (IllegalArgumentException e) {
            return "the objective does not fit the task and classes: " + e.getMessage();
        }
        return null;
    }

    /**
     * Reads the model in {@code folder}, of any format version up to {@link #FORMAT_VERSION}: its
     * network (a fresh module of the saved layers holding the saved weights, in evaluation mode)
     * and its description. model.json is checked completely, and the weights against the
     * architecture, before the network is allocated.
     *
     * @param folder a folder holding {@link #JSON} and {@link #WEIGHTS}
     * @return the network and its description; the provenance is empty when model.json has none
     * @throws InputException for any problem with the folder or its files, naming the file and
     *     the field or tensor: {@code m/model.json: field 'architecture.layers[2].out' must be ...}
     */
    public static SavedModel load(Path folder) {
        Path jsonFile = folder.resolve(JSON);
        if (!Files.isDirectory(folder)) {
            throw InputException.inFile(folder, "must be a model folder (with model.json and model.safetensors); got no such folder");
        }
        if (!Files.isRegularFile(jsonFile)) {
            throw InputException.inFile(jsonFile, "missing; a model folder holds model.json and model.safetensors (written by backprop train)");
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(jsonFile.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw InputException.inFile(jsonFile, "is not valid JSON: " + Json.describe(e));
        } catch (IOException e) {
            throw InputException.inFile(jsonFile, "cannot be read: " + e.getMessage());
        }
        Fields f = new Fields(jsonFile, json);
        if (!"backprop4j-model".equals(f.text(json, "format"))) {
            throw InputException.inFile(jsonFile, "field 'format' must be \"backprop4j-model\"; got " + json.get("format"));
        }
        int version = f.integer(json, "format_version");
        if (version > FORMAT_VERSION) {
            throw InputException.inFile(jsonFile, "format_version %d is newer than this program reads (up to %d); upgrade backprop4j to load it"
                    .formatted(version, FORMAT_VERSION));
        }
        if (version < 1) {
            throw InputException.inFile(jsonFile, "field 'format_version' must be >= 1; got " + version);
        }
        JsonNode arch = f.object(json, "architecture");
        LayerSpec spec = version == 1 ? mlp(f, arch).spec() : layers(jsonFile, arch);
        Objective objective = f.word(json, "objective", Objective::of);
        Task task = f.word(json, "task", Task::of);
        List<String> features = f.strings(json, "features");
        List<String> classes = f.strings(json, "classes");
        String misfit = misfit(spec, objective, task, features, classes);
        if (misfit != null) {
            throw InputException.inFile(jsonFile, misfit);
        }
        JsonNode pre = json.path("preprocessing");
        Standardizer standardizer = standardizer(f, pre.path("standardize"), features.size(), "preprocessing.standardize");
        Columns columns = columns(f, pre.path("columns"), features);
        Standardizer targetStandardizer = standardizer(f, pre.path("target_standardize"), 1, "preprocessing.target_standardize");
        if (targetStandardizer != null && task != Task.REGRESSION) {
            throw InputException.inFile(jsonFile, "preprocessing.target_standardize is for regression; the task is " + task.id());
        }
        JsonNode weightsInfo = f.object(json, "weights");
        Path weightsFile = folder.resolve(WEIGHTS);
        DType dtype = switch (weightsInfo.path("dtype").asText("F32")) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            default -> throw InputException.inFile(jsonFile, "field 'weights.dtype' must be \"F32\" or \"F64\"; got " + weightsInfo.get("dtype"));
        };
        if (!Files.isRegularFile(weightsFile)) {
            throw InputException.inFile(weightsFile, "missing; model.json refers to it for the weights");
        }
        String expected = weightsInfo.path("sha256").asText("");
        if (!expected.isEmpty() && !expected.equals(sha256(weightsFile))) {
            throw InputException.inFile(weightsFile, "does not match the SHA-256 recorded in model.json; the weights were changed or belong to another model");
        }
        // The file's reader allocates no more than the file holds; the network, as much as
        // model.json asks, so the weights are checked against the architecture before it is built.
        Map<String, Tensor> tensors = SafeTensors.read(weightsFile);
        checkWeights(weightsFile, tensors, spec.parameterShapes(), dtype);
        // The initial values are overwritten at once: any generator will do.
        Module network = spec.build(dtype, Init.PYTORCH, new SplittableRandom(0), new SplittableRandom(0));
        network.loadStateDict(tensors);
        network.eval();
        JsonNode provenance = json.path("provenance");
        @SuppressWarnings("unchecked")   // a JSON object is a map with string keys
        Map<String, Object> provenanceMap = provenance.isObject() ? (Map<String, Object>) Json.toJava(provenance) : Map.of();
        return new SavedModel(network, objective, task, features, classes, standardizer, provenanceMap, columns, targetStandardizer);
    }

    /** Format version 1's architecture, a multilayer perceptron, with that version's messages. */
    private static Mlp mlp(Fields f, JsonNode arch) {
        if (!"mlp".equals(f.text(arch, "type"))) {
            throw InputException.inFile(f.file(), "field 'architecture.type' must be \"mlp\"; got " + arch.get("type"));
        }
        Activation activation = f.word(arch, "activation", Activation::of);
        try {
            return new Mlp(f.integer(arch, "inputs"), f.integers(arch, "hidden"), f.integer(arch, "outputs"),
                    activation, arch.path("dropout").asDouble(0), Init.of(arch.path("init").asText("pytorch")));
        } catch (IllegalArgumentException e) {
            throw InputException.inFile(f.file(), "invalid architecture: " + e.getMessage());
        }
    }

    /** Format version 2's architecture, a tree of layers, checked completely by {@link LayerSpec#fromMap}. */
    private static LayerSpec layers(Path jsonFile, JsonNode arch) {
        @SuppressWarnings("unchecked")   // a JSON object is a map with string keys
        Map<String, Object> map = (Map<String, Object>) Json.toJava(arch);
        try {
            return LayerSpec.fromMap(map, "architecture");
        } catch (IllegalArgumentException e) {
            throw InputException.inFile(jsonFile, e.getMessage());
        }
    }

    /** The standardization {@code std} (the field {@code where}) records for {@code features} columns, or null when it is missing. */
    private static Standardizer standardizer(Fields f, JsonNode std, int features, String where) {
        if (std.isMissingNode()) {
            return null;
        }
        float[] means = f.floats(std, "means");
        float[] stds = f.floats(std, "stds");
        if (means.length != features || stds.length != features) {
            throw InputException.inFile(f.file(), "%s needs %d means and stds; got %d and %d"
                    .formatted(where, features, means.length, stds.length));
        }
        for (int j = 0; j < means.length; j++) {
            if (!Float.isFinite(means[j])) {
                throw InputException.inFile(f.file(), "field '%s.means[%d]' must be a finite number; got %s"
                        .formatted(where, j, means[j]));
            }
            if (!(stds[j] > 0 && Float.isFinite(stds[j]))) {
                throw InputException.inFile(f.file(), "field '%s.stds[%d]' must be a finite number > 0; got %s"
                        .formatted(where, j, stds[j]));
            }
        }
        return Standardizer.of(means, stds);
    }

    private static void standardizer(ObjectNode std, Standardizer standardizer) {
        floats(std.putArray("means"), standardizer.means());
        floats(std.putArray("stds"), standardizer.stds());
    }

    private static void columns(ObjectNode json, Columns columns) {
        if (columns.target() != null) {
            json.put("target", columns.target());
        }
        if (columns.id() != null) {
            json.put("id", columns.id());
        }
        ArrayNode inputs = json.putArray("inputs");
        for (Columns.Column c : columns.inputs()) {
            ObjectNode o = inputs.addObject();
            o.put("name", c.name());
            o.put("type", c.kind().id());
            if (c.kind() == Columns.Kind.CATEGORICAL) {
                strings(o.putArray("categories"), c.categories());
            }
            if (c.fill() != null) {
                o.put("fill", c.fill());
            }
        }
    }

    /** The column layout {@code json} records, or null when it is missing; its features must be {@code features}. */
    private static Columns columns(Fields f, JsonNode json, List<String> features) {
        if (json.isMissingNode()) {
            return null;
        }
        String where = "preprocessing.columns";
        List<Columns.Column> inputs = new ArrayList<>();
        f.object(f.root().path("preprocessing"), "columns");
        JsonNode array = f.array(json, "inputs");
        for (int i = 0; i < array.size(); i++) {
            JsonNode c = array.get(i);
            String at = where + ".inputs[" + i + "]";
            if (!c.isObject()) {
                throw InputException.inFile(f.file(), "field '%s' must be an object; got %s".formatted(at, c));
            }
            Columns.Kind kind = switch (c.path("type").asText("")) {
                case "numeric" -> Columns.Kind.NUMERIC;
                case "categorical" -> Columns.Kind.CATEGORICAL;
                default -> throw InputException.inFile(f.file(), "field '%s.type' must be \"numeric\" or \"categorical\"; got %s"
                        .formatted(at, c.get("type")));
            };
            List<String> categories = kind == Columns.Kind.CATEGORICAL ? f.strings(c, "categories") : List.of();
            JsonNode fill = c.path("fill");
            if (!fill.isMissingNode() && !fill.isNumber()) {
                throw InputException.inFile(f.file(), "field '%s.fill' must be a number; got %s".formatted(at, fill));
            }
            try {
                inputs.add(new Columns.Column(f.text(c, "name"), kind, categories, fill.isMissingNode() ? null : fill.floatValue()));
            } catch (IllegalArgumentException e) {
                throw InputException.inFile(f.file(), "field '%s': %s".formatted(at, e.getMessage()));
            }
        }
        JsonNode target = json.path("target");
        JsonNode id = json.path("id");
        Columns columns;
        try {
            columns = Columns.of(target.isTextual() ? target.asText() : null, id.isTextual() ? id.asText() : null, inputs);
        } catch (IllegalArgumentException e) {
            throw InputException.inFile(f.file(), "field '%s': %s".formatted(where, e.getMessage()));
        }
        if (!columns.featureNames().equals(features)) {
            throw InputException.inFile(f.file(), "field '%s' gives the features %s; field 'features' lists %s"
                    .formatted(where, columns.featureNames(), features));
        }
        return columns;
    }

    /** Checks that {@code tensors} are exactly the parameters {@code shapes} names, of {@code dtype} and those shapes. */
    private static void checkWeights(Path weightsFile, Map<String, Tensor> tensors, Map<String, int[]> shapes, DType dtype) {
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) {
                throw InputException.inFile(weightsFile, "tensor '%s' is missing; the architecture in model.json needs it with shape %s"
                        .formatted(e.getKey(), Arrays.toString(e.getValue())));
            }
            if (t.dtype() != dtype) {
                throw InputException.inFile(weightsFile, "tensor '%s' is %s; model.json's weights.dtype says %s"
                        .formatted(e.getKey(), SafeTensorsHeader.code(t.dtype()), SafeTensorsHeader.code(dtype)));
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw InputException.inFile(weightsFile, "tensor '%s' has shape %s; the architecture in model.json needs %s"
                        .formatted(e.getKey(), Arrays.toString(t.shape()), Arrays.toString(e.getValue())));
            }
        }
        for (String name : tensors.keySet()) {
            if (!shapes.containsKey(name)) {
                throw InputException.inFile(weightsFile, "tensor '%s' is not a parameter of the architecture in model.json (expected %s)"
                        .formatted(name, shapes.keySet()));
            }
        }
    }

    /**
     * The SHA-256 of a file's bytes, as model.json's {@code weights.sha256} records it.
     *
     * @param file a readable file; not modified
     * @return 64 lower-case hexadecimal digits
     * @throws InputException if the file cannot be read
     */
    public static String sha256(Path file) {
        try (var in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw InputException.inFile(file, "cannot be read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("bug: every JDK has SHA-256", e);
        }
    }

    /**
     * The dtype of every parameter of {@code network}, float32 when it has none.
     *
     * @throws IllegalArgumentException if the parameters are of several dtypes: model.json records one
     */
    static DType dtypeOf(Module network) {
        DType dtype = null;
        for (Map.Entry<String, Parameter> e : network.namedParameters().entrySet()) {
            DType d = e.getValue().dtype();
            Checks.require(dtype == null || d == dtype, "ModelFile.save: every parameter must have one dtype; '%s' is %s and those before it %s",
                    e.getKey(), d, dtype);
            dtype = d;
        }
        return dtype == null ? DType.FLOAT32 : dtype;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static void floats(ArrayNode array, float[] values) {
        for (float v : values) {
            array.add(v);
        }
    }

    /** Field access that reports a missing or mistyped field with the file and the field's name. */
    private record Fields(Path file, JsonNode root) {
        JsonNode object(JsonNode node, String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.isObject()) {
                throw InputException.inFile(file, "field '%s' must be an object; got %s".formatted(name, v));
            }
            return v;
        }

        JsonNode array(JsonNode node, String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.isArray()) {
                throw InputException.inFile(file, "field '%s' must be an array; got %s".formatted(name, v));
            }
            return v;
        }

        String text(JsonNode node, String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.isTextual()) {
                throw InputException.inFile(file, "field '%s' must be a string; got %s".formatted(name, v));
            }
            return v.asText();
        }

        int integer(JsonNode node, String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
                throw InputException.inFile(file, "field '%s' must be an integer; got %s".formatted(name, v));
            }
            return v.asInt();
        }

        List<Integer> integers(JsonNode node, String name) {
            List<Integer> out = new ArrayList<>();
            for (JsonNode v : array(node, name)) {
                if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                    throw InputException.inFile(file, "field '%s' must hold integers; got %s".formatted(name, v));
                }
                out.add(v.asInt());
            }
            return out;
        }

        /** A string field that {@code parse} turns into a value, or refuses with an {@link IllegalArgumentException}. */
        <T> T word(JsonNode node, String name, Function<String, T> parse) {
            try {
                return parse.apply(text(node, name));
            } catch (IllegalArgumentException e) {
                throw InputException.inFile(file, "field '%s': %s".formatted(name, e.getMessage()));
            }
        }

        List<String> strings(JsonNode node, String name) {
            List<String> out = new ArrayList<>();
            for (JsonNode v : array(node, name)) {
                if (!v.isTextual()) {
                    throw InputException.inFile(file, "field '%s' must hold strings; got %s".formatted(name, v));
                }
                out.add(v.asText());
            }
            return out;
        }

        float[] floats(JsonNode node, String name) {
            JsonNode a = array(node, name);
            float[] out = new float[a.size()];
            for (int i = 0; i < out.length; i++) {
                if (!a.get(i).isNumber()) {
                    throw InputException.inFile(file, "field '%s' must hold numbers; got %s".formatted(name, a.get(i)));
                }
                out[i] = a.get(i).floatValue();
            }
            return out;
        }
    }
}
