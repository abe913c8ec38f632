package backprop.onnx;

import backprop.InputException;
import backprop.io.AtomicFiles;
import backprop.io.ModelFile;
import backprop.io.SavedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model as an ONNX file, both ways.
 *
 * <p>{@link #save} writes one graph that takes the raw feature rows ({@value #INPUT},
 * {@code [batch, features]} float32, the batch dimension symbolic), applies the saved
 * preprocessing (standardization) and the network, and outputs {@value #LOGITS} and
 * {@value #PROBABILITIES} ({@code [batch, classes]}) for classification or {@value #VALUE}
 * ({@code [batch, 1]}, in the target's units) for regression. Linear layers are {@code Gemm},
 * activations {@code Relu}, {@code Sigmoid}, {@code Tanh} and {@code Softplus}, dropout an
 * inference-mode {@code Dropout} (the identity); nested sequentials are flattened. The graph is
 * float32 throughout: a float64 network's weights are rounded to float32. The file
 * states IR version {@value #IR_VERSION} and opset {@value #OPSET} of the default domain, and its
 * metadata holds {@code task}, {@code objective}, {@code features}, {@code classes} (JSON arrays,
 * the classes in output order) and {@code provenance} (the JSON object of model.json).
 *
 * <p>{@link #load} reads a multilayer perceptron: its own exports, and PyTorch's
 * ({@code torch.onnx.export} of Linear, ReLU, Sigmoid, Tanh and Softmax stacks: Gemm or MatMul
 * then Add, Relu, Sigmoid, Tanh, Softplus, Softmax, Flatten, Identity, Dropout). Anything else is
 * refused with one message naming the node and its op type. Without backprop4j's metadata a
 * trailing Softmax means a classifier (cross-entropy, classes {@code 0..k-1}), a trailing
 * Sigmoid on one output a two-class one (BCE), one plain output a regression and several the
 * logits of a classifier; features are named {@code f0, f1, ...}.
 */
public final class OnnxFile {
    /** The ONNX IR version written: 7, the one opset 13 came with. */
    public static final int IR_VERSION = 7;
    /** The version of the default operator set (ai.onnx) the exported graphs use. */
    public static final int OPSET = 13;
    /** The largest file {@link #load} reads: 1 GiB. */
    public static final long MAX_BYTES = 1L << 30;
    /** The name of the exported graph's input: raw feature rows. */
    public static final String INPUT = "features";
    /** The name of a classifier's output before the softmax or sigmoid. */
    public static final String LOGITS = "logits";
    /** The name of a classifier's output of class probabilities. */
    public static final String PROBABILITIES = "probabilities";
    /** The name of a regression's output. */
    public static final String VALUE = "value";
    /** The producer name written, whose metadata {@link #load} reads. */
    public static final String PRODUCER = "backprop4j";

    private OnnxFile() {}

    /**
     * The ONNX model of {@code model}, serialized.
     *
     * @param model any model {@link ModelFile#save} writes
     * @return the bytes of a {@code .onnx} file
     * @throws IllegalArgumentException if the network holds a module {@link backprop.nn.LayerSpec} cannot describe
     */
    public static byte[] toBytes(SavedModel model) {
        return Exporter.export(model).toByteArray();
    }

    /**
     * Writes {@code model} to {@code file} as ONNX, atomically.
     *
     * @param file the {@code .onnx} file, replaced if it exists
     * @param model any model {@link ModelFile#save} writes
     * @throws IllegalArgumentException if the network holds a module {@link backprop.nn.LayerSpec} cannot describe
     * @throws InputException if the file cannot be written
     */
    public static void save(Path file, SavedModel model) {
        AtomicFiles.write(file, toBytes(model));
    }

    /**
     * Writes the model in {@code modelFolder} to {@code file} as ONNX.
     *
     * @param modelFolder a model folder, as {@link ModelFile#load} reads it
     * @param file the {@code .onnx} file, replaced if it exists
     * @throws InputException for any problem with the folder, its files or the output file
     */
    public static void export(Path modelFolder, Path file) {
        save(file, ModelFile.load(modelFolder));
    }

    /**
     * The model an ONNX file holds, checked completely before any layer is built.
     *
     * @param file a {@code .onnx} file of at most {@link #MAX_BYTES} bytes
     * @return the model, its network in evaluation mode; provenance says where it came from
     * @throws InputException naming the file and the node, initializer or field, for a file that
     *     is not ONNX, is cut short, uses an op type outside the set above, or whose shapes do not chain
     */
    public static SavedModel load(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw InputException.inFile(file, "cannot be read: " + (Files.exists(file) ? e.getMessage() : "no such file"));
        }
        if (size > MAX_BYTES) {
            throw InputException.inFile(file, "is %d bytes; the importer reads ONNX files of at most %d (1 GiB)".formatted(size, MAX_BYTES));
        }
        try {
            return Importer.read(file, Files.readAllBytes(file));
        } catch (IOException e) {
            throw InputException.inFile(file, "cannot be read: " + e.getMessage());
        }
    }

    /**
     * Imports the ONNX model in {@code file} as the model folder {@code modelFolder}, which
     * {@code backprop predict}, {@code evaluate} and fine-tuning read.
     *
     * @param file a {@code .onnx} file, as {@link #load} reads it
     * @param modelFolder where model.json and model.safetensors go; created if needed
     * @throws InputException for any problem with the file, or if the folder cannot be written
     */
    public static void importModel(Path file, Path modelFolder) {
        ModelFile.save(modelFolder, load(file));
    }
}
