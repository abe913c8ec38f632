package backprop.cli;

import backprop.data.CsvReader;
import backprop.io.AtomicFiles;
import backprop.io.Model;
import backprop.io.Prediction;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop predict}: one prediction per row of a CSV file, by {@link Model}.
 *
 * <p>The model's feature columns are read by name (other columns, such as a label, are ignored)
 * and standardized with the model's statistics; the network runs in evaluation mode, exactly as
 * in the training process. Classification writes {@code class} then {@code p_<class>} per class;
 * regression writes {@code value}. Numbers are printed with {@link Double#toString}, the shortest
 * text that reads back as the same double.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"One prediction per row of a CSV file: the class and each class's probability, or the value.",
            "Exit status: 0 success; 2 bad input or usage."})
public final class PredictCommand implements Callable<Integer> {
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
        Model model = Model.load(modelDir);
        float[] x = CsvReader.readFeatures(input, model.features());
        int d = model.features().size();
        float[][] rows = new float[x.length / d][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(x, i * d, (i + 1) * d);
        }
        Prediction prediction = model.predict(rows);
        if (output != null) {
            AtomicFiles.write(output, out -> {
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                write(prediction, w);
                w.flush();
            });
        } else {
            PrintWriter out = spec.commandLine().getOut();
            write(prediction, out);
            out.flush();
        }
        return 0;
    }

    /** The CSV of {@code prediction}: a header, then one line per row. */
    static void write(Prediction prediction, Writer w) throws IOException {
        StringBuilder line = new StringBuilder();
        if (!prediction.isClassification()) {
            w.write("value\n");
            for (double v : prediction.values()) {
                w.write(v + "\n");
            }
            return;
        }
        line.append("class");
        for (String c : prediction.classNames()) {
            line.append(',').append(quote("p_" + c));
        }
        w.write(line.append('\n').toString());
        for (int i = 0; i < prediction.size(); i++) {
            line.setLength(0);
            line.append(quote(prediction.className(i)));
            for (double v : prediction.probabilities(i)) {
                line.append(',').append(v);
            }
            w.write(line.append('\n').toString());
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
