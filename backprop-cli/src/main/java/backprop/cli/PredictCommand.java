package backprop.cli;

import backprop.autograd.GradMode;
import backprop.data.CsvReader;
import backprop.io.AtomicFiles;
import backprop.io.ModelFile;
import backprop.io.SavedModel;
import backprop.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop predict}: one prediction per row of a CSV file.
 *
 * <p>The model's feature columns are read by name (other columns, such as a label, are ignored)
 * and standardized with the model's statistics; the network runs in float32 in evaluation mode,
 * exactly as in the training process. Classification writes {@code class} then {@code p_<class>}
 * per class; regression writes {@code value}. Numbers are printed with {@link Double#toString},
 * the shortest text that reads back as the same double.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"One prediction per row of a CSV file: the class and each class's probability, or the value.",
            "Exit status: 0 success; 2 bad input or usage."})
public final class PredictCommand implements Callable<Integer> {
    /** Rows per forward pass: bounds the memory of one pass; every row's result is the same for any batch. */
    private static final int BATCH = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder written by backprop train.")
    Path modelDir;

    @Option(names = "--input", required = true, paramLabel = "FILE.csv", description = "Rows to predict, with a header naming the model's feature columns.")
    Path input;

    @Option(names = "--output", paramLabel = "FILE.csv", description = "Write the predictions there, whole or not at all (default: standard output).")
    Path output;

    @Override
    public Integer call() throws IOException {
        SavedModel model = ModelFile.load(modelDir);
        float[] x = CsvReader.readFeatures(input, model.features());
        if (model.standardizer() != null) {
            model.standardizer().transformInPlace(x);
        }
        if (output != null) {
            AtomicFiles.write(output, out -> {
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                write(model, x, w);
                w.flush();
            });
        } else {
            PrintWriter out = spec.commandLine().getOut();
            write(model, x, out);
            out.flush();
        }
        return 0;
    }

    /** The CSV of predictions for the standardized rows {@code x}. */
    static void write(SavedModel model, float[] x, Writer w) throws IOException {
        int d = model.features().size();
        int n = x.length / d;
        boolean classification = model.objective().isClassification();
        List<String> classes = model.classes();
        StringBuilder line = new StringBuilder();
        if (classification) {
            line.append("class");
            for (String c : classes) {
                line.append(',').append(quote("p_" + c));
            }
        } else {
            line.append("value");
        }
        w.write(line.append('\n').toString());
        int[] predicted = new int[BATCH];
        try (var noGrad = GradMode.disabled()) {
            for (int from = 0; from < n; from += BATCH) {
                int rows = Math.min(BATCH, n - from);
                Tensor z = model.network().forward(Tensor.wrap(Arrays.copyOfRange(x, from * d, (from + rows) * d), rows, d));
                if (classification) {
                    double[][] p = model.objective().probabilities(z);
                    model.objective().classify(z, predicted);
                    for (int i = 0; i < rows; i++) {
                        line.setLength(0);
                        line.append(quote(classes.get(predicted[i])));
                        for (double v : p[i]) {
                            line.append(',').append(v);
                        }
                        w.write(line.append('\n').toString());
                    }
                } else {
                    for (int i = 0; i < rows; i++) {
                        w.write(z.getFlat(i) + "\n");
                    }
                }
            }
        }
    }

    /** A CSV field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break. */
    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
