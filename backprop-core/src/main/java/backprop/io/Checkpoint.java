package backprop.io;

import backprop.InputException;
import backprop.nn.Module;
import backprop.optim.Optimizer;
import backprop.tensor.Tensor;
import backprop.train.EarlyStopping;
import backprop.train.EpochMetrics;
import backprop.train.History;
import backprop.train.TrainingListener;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves a run after every epoch so that a killed run can go on from there: the parameters, the
 * optimizer's state and early stopping's best weights in a safetensors file, then the epochs so
 * far and the command line that started the run in {@code checkpoint.json}, each written
 * atomically. The tensors alternate between two files from epoch to epoch, and checkpoint.json,
 * written last, names the current one with its SHA-256: a crash while the tensors are written
 * leaves the previous checkpoint whole, and one between the two writes leaves it in force.
 *
 * <p>Resuming restores weights, optimizer state and history exactly; since the trainer draws
 * each epoch's shuffling and dropout from the seed and the epoch number alone, the resumed run
 * ends with the same weights, bit for bit, as one never interrupted.
 */
public final class Checkpoint implements TrainingListener {
    /** The file of the parameters and the optimizer state, written first. */
    public static final String TENSORS = "checkpoint.safetensors";
    /**
     * The tensors of every other epoch: checkpoints alternate between the two files, so that a
     * crash while one is written leaves checkpoint.json naming the other, whole.
     */
    public static final String ALTERNATE_TENSORS = "checkpoint.alt.safetensors";
    /** The file of the epoch, the history, the arguments and the tensors' SHA-256, written last. */
    public static final String STATE = "checkpoint.json";
    private static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final String BEST_PREFIX = "best.";

    private final Path folder;
    private final Module network;
    private final Optimizer optimizer;
    private final List<String> arguments;
    private final String dataSha256;
    private final EarlyStopping stopping;

    /**
     * A checkpoint that {@link #afterEpoch} rewrites after every epoch.
     *
     * @param folder where the two files go; created if missing
     * @param network the module whose parameters are saved, by name
     * @param optimizer the optimizer whose state is saved
     * @param arguments the command line of the run, kept so that {@code --resume} needs nothing else
     */
    public Checkpoint(Path folder, Module network, Optimizer optimizer, List<String> arguments) {
        this(folder, network, optimizer, arguments, null);
    }

    /**
     * A checkpoint that also records the SHA-256 of the training data, for a resume to check.
     *
     * @param folder where the two files go; created if missing
     * @param network the module whose parameters are saved, by name
     * @param optimizer the optimizer whose state is saved
     * @param arguments the command line of the run, kept so that {@code --resume} needs nothing else
     * @param dataSha256 the hex SHA-256 of the data as loaded; null when there is none to record
     */
    public Checkpoint(Path folder, Module network, Optimizer optimizer, List<String> arguments, String dataSha256) {
        this(folder, network, optimizer, arguments, dataSha256, null);
    }

    /**
     * As the five-argument constructor, keeping also the best epoch's weights of {@code stopping}
     * (under {@code best.} names), so that a resumed run restores them as an uninterrupted one would.
     *
     * @param folder where the two files go; created if missing
     * @param network the module whose parameters are saved, by name
     * @param optimizer the optimizer whose state is saved
     * @param arguments the command line of the run, kept so that {@code --resume} needs nothing else
     * @param dataSha256 the hex SHA-256 of the data as loaded; null when there is none to record
     * @param stopping the run's early stopping, which must run before this listener; null for none
     */
    public Checkpoint(Path folder, Module network, Optimizer optimizer, List<String> arguments, String dataSha256,
                      EarlyStopping stopping) {
        this.stopping = stopping;
        this.folder = folder;
        this.network = network;
        this.optimizer = optimizer;
        this.arguments = List.copyOf(arguments);
        this.dataSha256 = dataSha256;
    }

    /**
     * What a checkpoint holds.
     *
     * @param arguments the command line of the run that wrote it
     * @param parameters the network's parameters, by name
     * @param optimizerState the optimizer's state, by the names its {@code state()} gives
     * @param epochs the metrics of every epoch so far, in order
     * @param dataSha256 the hex SHA-256 of the training data the run recorded, or null (older checkpoints)
     * @param bestWeights early stopping's best epoch's weights by parameter name; empty when none were kept
     * @param tensorFile the safetensors file the tensors were read from, named in messages
     */
    public record Saved(List<String> arguments, Map<String, Tensor> parameters, Map<String, double[]> optimizerState,
                        List<EpochMetrics> epochs, String dataSha256, Map<String, Tensor> bestWeights, Path tensorFile) {

        /**
         * Puts the saved parameters and optimizer state back into a network and optimizer of the
         * same run, after checking all of them: nothing is changed when one does not fit.
         *
         * @param network built as the saved one was; its parameters are overwritten
         * @param optimizer of the saved kind over {@code network}'s parameters; its state is replaced
         * @param file the checkpoint's folder, as the caller names it; messages name the tensors' file within it
         * @throws InputException naming the tensors' file and the tensor, if a parameter or a best
         *     epoch's weight is missing, of another shape or dtype, or not the network's, or the
         *     optimizer's state does not fit the optimizer and the parameters
         */
        public void restore(Module network, Optimizer optimizer, Path file) {
            Map<String, backprop.tensor.Parameter> own = network.namedParameters();
            fits(own, parameters, "");
            if (!bestWeights.isEmpty()) {
                fits(own, bestWeights, BEST_PREFIX);
            }
            // loadState checks every entry before it keeps one, so a refusal leaves the optimizer as it was
            try {
                optimizer.loadState(optimizerState);
            } catch (IllegalArgumentException e) {
                throw InputException.inFile(tensorFile, "tensors '%s*' do not fit the optimizer of this run: %s"
                        .formatted(OPTIMIZER_PREFIX, e.getMessage()));
            }
            try (var noGrad = backprop.autograd.GradMode.disabled()) {
                own.forEach((name, p) -> p.copyFrom(parameters.get(name)));
            }
        }

        /** Refuses {@code saved} (tensors named {@code prefix + name}) unless it is exactly the network's parameters, by name, shape and dtype. */
        private void fits(Map<String, backprop.tensor.Parameter> own, Map<String, Tensor> saved, String prefix) {
            own.forEach((name, p) -> {
                Tensor t = saved.get(name);
                if (t == null) {
                    throw InputException.inFile(tensorFile, "tensor '%s%s' is missing; the network of this run has it, with shape %s"
                            .formatted(prefix, name, java.util.Arrays.toString(p.shape())));
                }
                if (!java.util.Arrays.equals(t.shape(), p.shape()) || t.dtype() != p.dtype()) {
                    throw InputException.inFile(tensorFile, "tensor '%s%s' is %s of shape %s; the network of this run needs %s of shape %s"
                            .formatted(prefix, name, SafeTensorsHeader.code(t.dtype()), java.util.Arrays.toString(t.shape()),
                                    SafeTensorsHeader.code(p.dtype()), java.util.Arrays.toString(p.shape())));
                }
            });
            for (String name : saved.keySet()) {
                if (!own.containsKey(name)) {
                    throw InputException.inFile(tensorFile, "tensor '%s%s' is not a parameter of the network of this run (expected %s)"
                            .formatted(prefix, InputException.clip(name), InputException.clip(own.keySet().toString())));
                }
            }
        }

        /** {@return a history of the saved epochs, for the resumed training to continue} */
        public History history() {
            return new History(epochs);
        }
    }

    @Override
    public void afterEpoch(EpochMetrics metrics, History history) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw InputException.inFile(folder, "cannot create the checkpoint folder: " + e.getMessage());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(network.namedParameters());
        optimizer.state().forEach((key, values) -> tensors.put(OPTIMIZER_PREFIX + key, Tensor.wrap(values, values.length)));
        if (stopping != null && stopping.bestState() != null) {
            stopping.bestState().forEach((name, t) -> tensors.put(BEST_PREFIX + name, t));
        }
        String tensorName = metrics.epoch() % 2 == 1 ? TENSORS : ALTERNATE_TENSORS;
        Path tensorFile = folder.resolve(tensorName);
        SafeTensors.write(tensorFile, tensors);

        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("format", "backprop4j-checkpoint");
        state.put("format_version", 1);
        state.put("epoch", metrics.epoch());
        state.put("tensors", tensorName);
        state.put("tensors_sha256", ModelFile.sha256(tensorFile));
        if (dataSha256 != null) {
            state.put("data_sha256", dataSha256);
        }
        ArrayNode args = state.putArray("arguments");
        arguments.forEach(args::add);
        ArrayNode epochs = state.putArray("epochs");
        for (EpochMetrics m : history.epochs()) {
            ObjectNode e = epochs.addObject();
            e.put("epoch", m.epoch());
            number(e, "train_loss", m.trainLoss());
            number(e, "train_accuracy", m.trainAccuracy());
            number(e, "test_loss", m.testLoss());
            number(e, "test_accuracy", m.testAccuracy());
            number(e, "test_rmse", m.testRmse());
            number(e, "seconds", m.seconds());
            number(e, "step_seconds", m.stepSeconds());
            e.put("samples", m.samples());
        }
        AtomicFiles.writeJson(folder.resolve(STATE), state);
    }

    /**
     * {@return whether {@code folder} holds a checkpoint's state file} It is written last, so its
     * presence means a checkpoint was completed once.
     *
     * @param folder the run's folder
     */
    public static boolean exists(Path folder) {
        return Files.isRegularFile(folder.resolve(STATE));
    }

    /**
     * Reads the checkpoint in {@code folder}.
     *
     * @param folder the run's folder
     * @return what it holds
     * @throws InputException if it is missing or damaged, or its tensors do not match the SHA-256
     *     its state file records
     */

    public static Saved load(Path folder) {
        Path stateFile = folder.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw InputException.inFile(stateFile, "missing; --resume needs the folder of a run that saved at least one epoch");
        }
        JsonNode state;
        try {
            state = Json.MAPPER.readTree(stateFile.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw InputException.inFile(stateFile, "is not valid JSON: " + Json.describe(e));
        } catch (IOException e) {
            throw InputException.inFile(stateFile, "is not valid JSON: " + e.getMessage());
        }
        if (!"backprop4j-checkpoint".equals(state.path("format").asText()) || state.path("format_version").asInt() != 1) {
            throw InputException.inFile(stateFile, "is not a backprop4j checkpoint of format version 1");
        }
        String nul = Json.nulMisfit(state);
        if (nul != null) {
            throw InputException.inFile(stateFile, nul);
        }
        String wrong = null;
        for (String text : List.of("tensors", "tensors_sha256", "data_sha256")) {
            wrong = wrong != null ? wrong : Json.wrongType(state, "", text, JsonNode::isTextual, "a string");
        }
        if (wrong != null) {
            throw InputException.inFile(stateFile, wrong);
        }
        String tensorName = state.path("tensors").asText(TENSORS);
        if (!tensorName.equals(TENSORS) && !tensorName.equals(ALTERNATE_TENSORS)) {
            throw InputException.inFile(stateFile, "field 'tensors' must be %s or %s; got '%s'"
                    .formatted(TENSORS, ALTERNATE_TENSORS, InputException.clip(tensorName)));
        }
        Path tensorFile = folder.resolve(tensorName);
        if (!Files.isRegularFile(tensorFile) || !ModelFile.sha256(tensorFile).equals(state.path("tensors_sha256").asText())) {
            throw InputException.inFile(tensorFile, "is missing or does not match checkpoint.json (SHA-256); the checkpoint is damaged");
        }
        List<String> arguments = new ArrayList<>();
        JsonNode args = state.path("arguments");
        if (!args.isArray()) {
            throw InputException.inFile(stateFile, "field 'arguments' must be an array of strings (the run's command line); got "
                    + Json.shown(args.isMissingNode() ? null : args));
        }
        for (int i = 0; i < args.size(); i++) {
            if (!args.get(i).isTextual()) {
                throw InputException.inFile(stateFile, "field 'arguments[%d]' must be a string; got %s".formatted(i, Json.shown(args.get(i))));
            }
            arguments.add(args.get(i).asText());
        }
        List<EpochMetrics> epochs = epochs(stateFile, state);
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        Map<String, double[]> optimizerState = new LinkedHashMap<>();
        Map<String, Tensor> bestWeights = new LinkedHashMap<>();
        SafeTensors.read(tensorFile).forEach((name, t) -> {
            String bad = ModelFile.nonFinite(name, t);
            if (bad != null) {
                throw InputException.inFile(tensorFile, bad);   // a resumed run would only diverge from it
            }
            if (name.startsWith(OPTIMIZER_PREFIX)) {
                if (t.shape().length != 1) {
                    throw InputException.inFile(tensorFile, "tensor '%s' has shape %s; optimizer state is one-dimensional"
                            .formatted(InputException.clip(name), java.util.Arrays.toString(t.shape())));
                }
                optimizerState.put(name.substring(OPTIMIZER_PREFIX.length()), t.toDoubleArray());
            } else if (name.startsWith(BEST_PREFIX)) {
                bestWeights.put(name.substring(BEST_PREFIX.length()), t);
            } else {
                parameters.put(name, t);
            }
        });
        JsonNode data = state.path("data_sha256");
        return new Saved(arguments, parameters, optimizerState, epochs, data.isTextual() ? data.asText() : null, bestWeights, tensorFile);
    }

    /**
     * The field {@code epochs}: one object per epoch trained, numbered from 1 in order, the last
     * the field {@code epoch}; a metric is a number, or null where it was not measured.
     */
    private static List<EpochMetrics> epochs(Path stateFile, JsonNode state) {
        JsonNode all = state.path("epochs");
        if (!all.isArray()) {
            throw InputException.inFile(stateFile, "field 'epochs' must be an array of objects; got " + Json.shown(all.isMissingNode() ? null : all));
        }
        JsonNode last = state.path("epoch");
        if (!last.isIntegralNumber() || !last.canConvertToInt() || last.asInt() != all.size()) {
            throw InputException.inFile(stateFile, "field 'epoch' must be the number of entries of 'epochs', %d; got %s"
                    .formatted(all.size(), Json.shown(last.isMissingNode() ? null : last)));
        }
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            JsonNode e = all.get(i);
            String where = "epochs[" + i + "]";
            JsonNode epoch = e.path("epoch");
            if (!e.isObject() || !epoch.isIntegralNumber() || epoch.asLong() != i + 1) {
                throw InputException.inFile(stateFile, "field '%s' must be an object with \"epoch\": %d; got %s"
                        .formatted(where, i + 1, Json.shown(e)));
            }
            for (String name : METRICS) {
                JsonNode v = e.path(name);
                if (!v.isMissingNode() && !v.isNull() && !(v.isNumber() && Double.isFinite(v.asDouble()))) {
                    throw InputException.inFile(stateFile, "field '%s.%s' must be a finite number or null; got %s"
                            .formatted(where, name, Json.shown(v)));
                }
            }
            JsonNode samples = e.path("samples");
            if (!samples.isMissingNode() && !(samples.isIntegralNumber() && samples.canConvertToLong() && samples.asLong() >= 0)) {
                throw InputException.inFile(stateFile, "field '%s.samples' must be a whole number >= 0; got %s".formatted(where, Json.shown(samples)));
            }
            epochs.add(new EpochMetrics(i + 1, number(e, "train_loss"), number(e, "train_accuracy"),
                    number(e, "test_loss"), number(e, "test_accuracy"), number(e, "test_rmse"), number(e, "seconds"),
                    number(e, "step_seconds"), samples.asLong()));
        }
        return epochs;
    }

    /** The numbers of an entry of {@code epochs}, each written as null when it was NaN (not measured). */
    private static final List<String> METRICS =
            List.of("train_loss", "train_accuracy", "test_loss", "test_accuracy", "test_rmse", "seconds", "step_seconds");

    private static void number(ObjectNode o, String name, double value) {
        if (Double.isNaN(value)) {
            o.putNull(name);
        } else {
            o.put(name, value);
        }
    }

    private static double number(JsonNode o, String name) {
        JsonNode v = o.path(name);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
