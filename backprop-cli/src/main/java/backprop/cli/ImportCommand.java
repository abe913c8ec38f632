package backprop.cli;

import backprop.io.ModelFile;
import backprop.onnx.OnnxFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code backprop import}: an ONNX multilayer perceptron (PyTorch's, or backprop's own export) as a model folder ({@link OnnxFile}). */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reads an ONNX multilayer perceptron (Gemm or MatMul+Add, Relu, Sigmoid, Tanh, Softplus, Softmax,",
            "Flatten, Identity, Dropout) into a model folder that predict and evaluate read.",
            "Exit status: 0 success; 2 bad input (an ONNX file outside that set is refused, naming the node) or usage."})
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--onnx", required = true, paramLabel = "FILE.onnx", description = "The ONNX model to read.")
    Path onnx;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model folder to write (model.json, model.safetensors).")
    Path out;

    @Override
    public Integer call() {
        OnnxFile.importModel(onnx, out);
        var model = ModelFile.load(out);
        spec.commandLine().getErr().printf("backprop: wrote %s: %s, %d features, %s%n", out, model.task().id(), model.features().size(),
                model.classes().isEmpty() ? model.objective().id() : model.classes().size() + " classes (" + model.objective().id() + ")");
        return 0;
    }
}
