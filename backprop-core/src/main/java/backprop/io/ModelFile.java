package backprop.io;

import backprop.InputException;
import backprop.autograd.GradMode;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.nn.Activation;
import backprop.nn.Init;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A model folder: {@code model.json} (format version, architecture, objective, columns, classes,
 * preprocessing, provenance) and {@code model.safetensors} (the weights, under the parameter
 * names {@code 0.weight}, {@code 0.bias}, ...).
 *
 * <p>The weights are written first and model.json last, each atomically, and model.json records
 * the SHA-256 of the weights: a folder with a model.json holds a complete model, and a weights
 * file that does not match is refused. A model.json of a newer format version is refused with
 * a message; older versions are read.
 */
public final class ModelFile {
    /** The format this program writes; it reads every version up to this one. */
    public static final int FORMAT_VERSION = 1;
    public static final String JSON = "model.json";
    public static final String WEIGHTS = "model.safetensors";

    private ModelFile() {}

    /** Writes {@code model} into {@code folder}, creating the folder if needed. */
    public static void save(Path folder, SavedModel model) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw InputException.inFile(folder, "cannot create the model folder: " + e.getMessage());
        }
        Path weights = folder.resolve(WEIGHTS);
        Map<String, Tensor> tensors = new LinkedHashMap<>(model.network().namedParameters());
        SafeTensors.write(weights, tensors, Map.of("format", "pt"));

        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("format", "backprop4j-model");
        json.put("format_version", FORMAT_VERSION);
        ObjectNode arch = json.putObject("architecture");
        arch.put("type", "mlp");
        arch.put("inputs", model.architecture().inputs());
        ArrayNode hidden = arch.putArray("hidden");
        model.architecture().hidden().forEach(hidden::add);
        arch.put("outputs", model.architecture().outputs());
        arch.put("activation", model.architecture().activation().id());
        arch.put("dropout", model.architecture().dropout());
        arch.put("init", model.architecture().init().id());
        json.put("objective", model.objective().id());
        json.put("task", model.task().id());
        strings(json.putArray("features"), model.features());
        strings(json.putArray("classes"), model.classes());
        ObjectNode pre = json.putObject("preprocessing");
        if (model.standardizer() != null) {
            ObjectNode std = pre.putObject("standardize");
            floats(std.putArray("means"), model.standardizer().means());
            floats(std.putArray("stds"), model.standardizer().stds());
        }
        ObjectNode w = json.putObject("weights");
        w.put("file", WEIGHTS);
        w.put("dtype", SafeTensorsHeader.code(dtypeOf(model.network())));
        w.put("sha256", sha256(weights));
        json.set("provenance", model.provenance() == null ? Json.MAPPER.createObjectNode() : model.provenance());
        AtomicFiles.writeJson(folder.resolve(JSON), json);
    }

    /** Reads the model in {@code folder}; every problem is an {@link InputException} naming the file and field. */
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
            throw InputException.inFile(jsonFile, "is not valid JSON: %s (line %d, column %d)".formatted(
                    e.getOriginalMessage(), e.getLocation().getLineNr(), e.getLocation().getColumnNr()));
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
        if (!"mlp".equals(f.text(arch, "type"))) {
            throw InputException.inFile(jsonFile, "field 'architecture.type' must be \"mlp\"; got " + arch.get("type"));
        }
        Activation activation = f.word(arch, "activation", Activation::of);
        Objective objective = f.word(json, "objective", Objective::of);
        Task task = f.word(json, "task", Task::of);
        Mlp mlp;
        try {
            mlp = new Mlp(f.integer(arch, "inputs"), f.integers(arch, "hidden"), f.integer(arch, "outputs"),
                    activation, arch.path("dropout").asDouble(0), Init.of(arch.path("init").asText("pytorch")));
        } catch (IllegalArgumentException e) {
            throw InputException.inFile(jsonFile, "invalid architecture: " + e.getMessage());
        }
        List<String> features = f.strings(json, "features");
        List<String> classes = f.strings(json, "classes");
        if (features.size() != mlp.inputs()) {
            throw InputException.inFile(jsonFile, "lists %d features for a network of %d inputs".formatted(features.size(), mlp.inputs()));
        }
        if (objective.outputs(classes.size()) != mlp.outputs()) {
            throw InputException.inFile(jsonFile, "has %d classes, which does not fit %d outputs under the %s loss (it needs %d)"
                    .formatted(classes.size(), mlp.outputs(), objective.id(), objective.outputs(classes.size())));
        }
        try {
            objective.checkFits(task, classes.size());
        } catch (IllegalArgumentException e) {
            throw InputException.inFile(jsonFile, "the objective does not fit the task and classes: " + e.getMessage());
        }
        Standardizer standardizer = null;
        JsonNode std = json.path("preprocessing").path("standardize");
        if (!std.isMissingNode()) {
            float[] means = f.floats(std, "means");
            float[] stds = f.floats(std, "stds");
            if (means.length != mlp.inputs() || stds.length != mlp.inputs()) {
                throw InputException.inFile(jsonFile, "preprocessing.standardize needs %d means and stds; got %d and %d"
                        .formatted(mlp.inputs(), means.length, stds.length));
            }
            for (int j = 0; j < means.length; j++) {
                if (!Float.isFinite(means[j])) {
                    throw InputException.inFile(jsonFile, "field 'preprocessing.standardize.means[%d]' must be a finite number; got %s"
                            .formatted(j, means[j]));
                }
                if (!(stds[j] > 0 && Float.isFinite(stds[j]))) {
                    throw InputException.inFile(jsonFile, "field 'preprocessing.standardize.stds[%d]' must be a finite number > 0; got %s"
                            .formatted(j, stds[j]));
                }
            }
            standardizer = Standardizer.of(means, stds);
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
        checkWeights(weightsFile, tensors, mlp.parameterShapes(), dtype);
        Sequential network = mlp.build(dtype, new SplittableRandom(0), new SplittableRandom(0));
        copyWeights(tensors, network);
        network.eval();
        JsonNode provenance = json.path("provenance");
        return new SavedModel(mlp, network, objective, task, features, classes, standardizer,
                provenance.isObject() ? (ObjectNode) provenance : Json.MAPPER.createObjectNode());
    }

    /** Copies the tensors of a safetensors file into the network's parameters, checking names, dtypes and shapes. */
    public static void loadWeights(Path weightsFile, Sequential network) {
        Map<String, Tensor> tensors = SafeTensors.read(weightsFile);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        network.namedParameters().forEach((name, p) -> shapes.put(name, p.shape()));
        checkWeights(weightsFile, tensors, shapes, dtypeOf(network));
        copyWeights(tensors, network);
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

    private static void copyWeights(Map<String, Tensor> tensors, Sequential network) {
        try (var noGrad = GradMode.disabled()) {
            network.namedParameters().forEach((name, p) -> p.copyFrom(tensors.get(name)));
        }
    }

    /** The hex SHA-256 of a file's bytes. */
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

    private static DType dtypeOf(Sequential network) {
        return network.parameters().get(0).dtype();
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
