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
        Path weights = folder.resolve(WEIGHTS);
        Map<String, Tensor> state = model.network().stateDict();
        state.forEach((name, t) -> {
            String bad = nonFinite(name, t);
            Checks.require(bad == null, "ModelFile.save: %s: %s; load would refuse these weights, so nothing is written", weights, bad);
        });
        ObjectNode json = describe(model, spec, dtype);   // before writing: it may refuse a value
        String unreadable = readBackMisfit(json);
        Checks.require(unreadable == null, "ModelFile.save: load would refuse model.json: %s", unreadable);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw InputException.inFile(folder, "cannot create the model folder: " + e.getMessage());
        }
        SafeTensors.write(weights, state, Map.of("format", "pt"));
        ((ObjectNode) json.get("weights")).put("sha256", sha256(weights));
        AtomicFiles.writeJson(folder.resolve(JSON), json);
    }

    /** model.json's tree for {@code model}, all but the weights' SHA-256, which needs the weights written. */
    private static ObjectNode describe(SavedModel model, LayerSpec spec, DType dtype) {
        JsonNode provenance = Json.toJson(model.provenance(), "provenance");
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
        json.set("provenance", provenance);
        return json;
    }

    /**
     * What load refuses in model.json's tree before it reads a field, as the message after the
     * file's name: a NUL character anywhere (text we print and pass on must not end early in C
     * strings or terminals), or a provenance that is not what its readers take it for; null when
     * there is nothing.
     */
    private static String readBackMisfit(JsonNode json) {
        String nul = Json.nulMisfit(json);
        if (nul != null) {
            return nul;
        }
        JsonNode provenance = json.path("provenance");
        return provenance.isMissingNode() ? null : provenanceMisfit(provenance);
    }

    /**
     * What keeps a provenance from meaning what the commands that read it back take it for (the
     * seed, the data's source and SHA-256, whether the test rows were split off, the options as
     * text), as the message after the file's name; null when it fits. Other members are free.
     */
    private static String provenanceMisfit(JsonNode p) {
        if (!p.isObject()) {
            return "field 'provenance' must be an object; got " + Json.shown(p);
        }
        String wrong = Json.wrongType(p, "provenance", "seed", JsonNode::isIntegralNumber, "an integer");
        for (String text : List.of("program", "created", "java")) {
            wrong = wrong != null ? wrong : Json.wrongType(p, "provenance", text, JsonNode::isTextual, "a string");
        }
        wrong = wrong != null ? wrong : Json.wrongType(p, "provenance", "threads", JsonNode::isIntegralNumber, "an integer");
        wrong = wrong != null ? wrong : Json.wrongType(p, "provenance", "metrics", JsonNode::isObject, "an object");
        wrong = wrong != null ? wrong : Json.wrongType(p, "provenance", "data", JsonNode::isObject, "an object");
        wrong = wrong != null ? wrong : Json.wrongType(p, "provenance", "configuration", JsonNode::isObject, "an object");
        if (wrong != null) {
            return wrong;
        }
        JsonNode data = p.path("data");
        for (String text : List.of("source", "sha256")) {
            wrong = wrong != null ? wrong : Json.wrongType(data, "provenance.data", text, JsonNode::isTextual, "a string");
        }
        wrong = wrong != null ? wrong : Json.wrongType(data, "provenance.data", "held_out_split", JsonNode::isBoolean, "true or false");
        if (wrong != null) {
            return wrong;
        }
        // the options as the command line took them: text, or null for an option not given
        for (var e : (Iterable<Map.Entry<String, JsonNode>>) () -> p.path("configuration").fields()) {
            if (!e.getValue().isTextual() && !e.getValue().isNull()) {
                return "field 'provenance.configuration.%s' must be a string or null; got %s"
                        .formatted(InputException.clip(e.getKey()), Json.shown(e.getValue()));
            }
        }
        return null;
    }

    /**
     * Where {@code t} (the tensor {@code name}) holds NaN or an infinity, as {@code tensor '0.weight'
     * holds NaN at [3, 1]}; null when every value is finite.
     */
    static String nonFinite(String name, Tensor t) {
        int at = -1;
        double value = 0;
        if (t.dtype() == DType.FLOAT32) {
            float[] v = t.floatData();
            for (int i = 0; i < v.length && at < 0; i++) {
                if (!Float.isFinite(v[i])) {
                    at = i;
                    value = v[i];
                }
            }
        } else if (t.dtype() == DType.FLOAT64) {
            double[] v = t.doubleData();
            for (int i = 0; i < v.length && at < 0; i++) {
                if (!Double.isFinite(v[i])) {
                    at = i;
                    value = v[i];
                }
            }
        }
        if (at < 0) {
            return null;
        }
        int[] shape = t.shape();
        int[] index = new int[shape.length];
        for (int k = shape.length - 1, flat = at; k >= 0; k--) {
            index[k] = flat % shape[k];
            flat /= shape[k];
        }
        return "tensor '%s' holds %s at %s; expected finite numbers".formatted(InputException.clip(name), value, Arrays.toString(index));
    }

    /**
     * What keeps a network of {@code spec} from meaning what the rest of model.json says, as the
     * message after the file's name; null when everything fits.
     */
    private static String misfit(LayerSpec spec, Objective objective, Task task, List<String> features, List<String> classes) {
        if (features.isEmpty()) {
            return "field 'features' must name at least one input column; got []";   // a network of no inputs predicts nothing
        }
        String twice = twice(features);
        if (twice != null) {
            return "field 'features' names %s twice; expected distinct column names".formatted(twice);
        }
        twice = twice(classes);
        if (twice != null) {
            return "field 'classes' names %s twice; expected distinct class names (which output would it be?)".formatted(twice);
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

    /** The first name of {@code names} that appears again, quoted, or null when they are distinct. */
    private static String twice(List<String> names) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                return "'" + InputException.clip(name) + "'";
            }
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
            throw InputException.inFile(jsonFile, "field 'format' must be \"backprop4j-model\"; got " + Json.shown(json.get("format")));
        }
        int version = f.integer(json, "format_version");
        String unreadable = readBackMisfit(json);
        if (unreadable != null) {
            throw InputException.inFile(jsonFile, unreadable);
        }
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
        JsonNode pre = json.has("preprocessing") ? f.object(json, "preprocessing") : json.path("preprocessing");
        Standardizer standardizer = standardizer(f, pre.path("standardize"), features.size(), "preprocessing.standardize");
        Columns columns = columns(f, pre.path("columns"), features);
        Standardizer targetStandardizer = standardizer(f, pre.path("target_standardize"), 1, "preprocessing.target_standardize");
        if (targetStandardizer != null && task != Task.REGRESSION) {
            throw InputException.inFile(jsonFile, "preprocessing.target_standardize is for regression; the task is " + task.id());
        }
        JsonNode weightsInfo = f.object(json, "weights");
        Path weightsFile = folder.resolve(WEIGHTS);
        DType dtype = switch (weightsInfo.has("dtype") ? f.text(weightsInfo, "weights.dtype") : "F32") {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            default -> throw InputException.inFile(jsonFile, "field 'weights.dtype' must be \"F32\" or \"F64\"; got "
                    + Json.shown(weightsInfo.get("dtype")));
        };
        if (!Files.isRegularFile(weightsFile)) {
            throw InputException.inFile(weightsFile, "missing; model.json refers to it for the weights");
        }
        String expected = weightsInfo.has("sha256") ? f.text(weightsInfo, "weights.sha256") : "";
        if (!expected.isEmpty() && !expected.equals(sha256(weightsFile))) {
            throw InputException.inFile(weightsFile, "does not match the SHA-256 recorded in model.json; the weights were changed or belong to another model");
        }
        // The file's reader allocates no more than the file holds; the network, as much as
        // model.json asks, so the weights are checked against the architecture before it is built.
        Map<String, Tensor> tensors = SafeTensors.read(weightsFile);
        checkWeights(weightsFile, tensors, spec.parameterShapes(), dtype);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String bad = nonFinite(e.getKey(), e.getValue());
            if (bad != null) {
                throw InputException.inFile(weightsFile, bad);   // it would be served: every prediction NaN
            }
        }
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
        if (!"mlp".equals(f.text(arch, "architecture.type"))) {
            throw InputException.inFile(f.file(), "field 'architecture.type' must be \"mlp\"; got " + Json.shown(arch.get("type")));
        }
        Activation activation = f.word(arch, "architecture.activation", Activation::of);
        try {
            return new Mlp(f.integer(arch, "architecture.inputs"), f.integers(arch, "architecture.hidden"),
                    f.integer(arch, "architecture.outputs"), activation,
                    arch.has("dropout") ? f.number(arch, "architecture.dropout") : 0,
                    Init.of(arch.has("init") ? f.text(arch, "architecture.init") : "pytorch"));
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
        if (!std.isObject()) {
            throw InputException.inFile(f.file(), "field '%s' must be an object; got %s".formatted(where, Json.shown(std)));
        }
        float[] means = f.floats(std, where + ".means");
        float[] stds = f.floats(std, where + ".stds");
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
        f.object(f.root().path("preprocessing"), where);
        JsonNode array = f.array(json, where + ".inputs");
        for (int i = 0; i < array.size(); i++) {
            JsonNode c = array.get(i);
            String at = where + ".inputs[" + i + "]";
            if (!c.isObject()) {
                throw InputException.inFile(f.file(), "field '%s' must be an object; got %s".formatted(at, Json.shown(c)));
            }
            Columns.Kind kind = switch (c.path("type").asText("")) {
                case "numeric" -> Columns.Kind.NUMERIC;
                case "categorical" -> Columns.Kind.CATEGORICAL;
                default -> throw InputException.inFile(f.file(), "field '%s.type' must be \"numeric\" or \"categorical\"; got %s"
                        .formatted(at, Json.shown(c.get("type"))));
            };
            List<String> categories = kind == Columns.Kind.CATEGORICAL ? f.strings(c, at + ".categories") : List.of();
            JsonNode fill = c.path("fill");
            if (!fill.isMissingNode() && !fill.isNumber()) {
                throw InputException.inFile(f.file(), "field '%s.fill' must be a number; got %s".formatted(at, Json.shown(fill)));
            }
            try {
                inputs.add(new Columns.Column(f.text(c, at + ".name"), kind, categories, fill.isMissingNode() ? null : fill.floatValue()));
            } catch (IllegalArgumentException e) {
                throw InputException.inFile(f.file(), "field '%s': %s".formatted(at, e.getMessage()));
            }
        }
        String target = json.path("target").isNull() || json.path("target").isMissingNode() ? null : f.text(json, where + ".target");
        String id = json.path("id").isNull() || json.path("id").isMissingNode() ? null : f.text(json, where + ".id");
        Columns columns;
        try {
            columns = Columns.of(target, id, inputs);
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

    /**
     * Field access that reports a missing or mistyped field with the file and the field's path
     * ({@code preprocessing.standardize.means}), whose last part is the member read from the node given.
     */
    private record Fields(Path file, JsonNode root) {
        private static JsonNode member(JsonNode node, String path) {
            return node.get(path.substring(path.lastIndexOf('.') + 1));
        }

        private InputException wrong(String path, String rule, JsonNode got) {
            return InputException.inFile(file, "field '%s' must be %s; got %s".formatted(path, rule, Json.shown(got)));
        }

        JsonNode object(JsonNode node, String path) {
            JsonNode v = member(node, path);
            if (v == null || !v.isObject()) {
                throw wrong(path, "an object", v);
            }
            return v;
        }

        JsonNode array(JsonNode node, String path) {
            JsonNode v = member(node, path);
            if (v == null || !v.isArray()) {
                throw wrong(path, "an array", v);
            }
            return v;
        }

        String text(JsonNode node, String path) {
            JsonNode v = member(node, path);
            if (v == null || !v.isTextual()) {
                throw wrong(path, "a string", v);
            }
            return v.asText();
        }

        int integer(JsonNode node, String path) {
            JsonNode v = member(node, path);
            if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
                throw wrong(path, "an integer", v);
            }
            return v.asInt();
        }

        double number(JsonNode node, String path) {
            JsonNode v = member(node, path);
            if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw wrong(path, "a finite number", v);
            }
            return v.asDouble();
        }

        List<Integer> integers(JsonNode node, String path) {
            List<Integer> out = new ArrayList<>();
            for (JsonNode v : array(node, path)) {
                if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                    throw wrong(path, "an array of integers", v);
                }
                out.add(v.asInt());
            }
            return out;
        }

        /** A string field that {@code parse} turns into a value, or refuses with an {@link IllegalArgumentException}. */
        <T> T word(JsonNode node, String path, Function<String, T> parse) {
            try {
                return parse.apply(text(node, path));
            } catch (IllegalArgumentException e) {
                throw InputException.inFile(file, "field '%s': %s".formatted(path, e.getMessage()));
            }
        }

        List<String> strings(JsonNode node, String path) {
            List<String> out = new ArrayList<>();
            for (JsonNode v : array(node, path)) {
                if (!v.isTextual()) {
                    throw wrong(path, "an array of strings", v);
                }
                out.add(v.asText());
            }
            return out;
        }

        float[] floats(JsonNode node, String path) {
            JsonNode a = array(node, path);
            float[] out = new float[a.size()];
            for (int i = 0; i < out.length; i++) {
                if (!a.get(i).isNumber()) {
                    throw wrong(path, "an array of numbers", a.get(i));
                }
                out[i] = a.get(i).floatValue();
            }
            return out;
        }
    }
}
