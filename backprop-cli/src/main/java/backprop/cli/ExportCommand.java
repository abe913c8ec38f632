package backprop.cli;

import backprop.app.Options;
import backprop.onnx.OnnxFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code backprop export}: a model folder as an ONNX file that ONNX Runtime and other tools run ({@link OnnxFile}). */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a model as ONNX: one graph from the raw feature rows (standardization included) to",
            "logits and probabilities (classification) or the value (regression); classes and provenance as metadata.",
            "Exit status: 0 success; 2 bad input or usage."})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder written by backprop train or import.")
    Path modelDir;

    @Option(names = "--format", paramLabel = "onnx", description = "The format to write (default: ${DEFAULT-VALUE}).")
    String format = "onnx";

    @Option(names = "--out", required = true, paramLabel = "FILE.onnx", description = "The file to write, whole or not at all.")
    Path out;

    @Override
    public Integer call() throws java.io.IOException {
        Options.require(format.equals("onnx"), "--format", "must be onnx, the one export format", format);
        OnnxFile.export(modelDir, out);
        spec.commandLine().getErr().printf("backprop: wrote %s (%,d bytes; ONNX opset %d)%n", out, Files.size(out), OnnxFile.OPSET);
        return 0;
    }
}
