package backprop.cli;

import backprop.data.CsvReader;
import backprop.data.EncodedRows;
import backprop.io.AtomicFiles;
import backprop.io.Model;
import backprop.io.Prediction;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backprop predict}: one prediction per row of a CSV file, by {@link Model}.
 *
 * <p>The model's input columns are read by name and encoded and standardized as in training
 * (columns it does not read are named once on standard error); the network runs in evaluation
 * mode. Each output row holds, in order: the id column (every input column with
 * {@code --keep-inputs}), the prediction under the target's name ({@code predicted_<target>}
 * when a kept column has that name; {@code class} or {@code value} for a model that does not
 * know its target's name), then for classification {@code p_<class>} per class. Numbers are
 * written by {@link Decimals}: float32, shortest, plain.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"One prediction per row of a CSV file: the id, the class and each class's probability, or the value.",
            "Exit status: 0 success; 2 bad input or usage."})
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder written by backprop train.")
    Path modelDir;

    @Option(names = "--input", required = true, paramLabel = "FILE.csv", description = "Rows to predict, with a header naming the model's input columns.")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the predictions there, whole or not at all (default: standard output).")
    Path output;

    @Option(names = "--format", paramLabel = "csv|jsonl", description = "CSV with a header, or one JSON object per line (default: ${DEFAULT-VALUE}).")
    String format = "csv";

    @Option(names = "--keep-inputs", description = "Write every column of the input before the prediction, not just the id column.")
    boolean keepInputs;

    @Override
    public Integer call() throws IOException {
        boolean jsonl = backprop.app.Options.choice("--format", format, f -> switch (f) {
            case "csv" -> false;
            case "jsonl" -> true;
            default -> throw new IllegalArgumentException("must be csv or jsonl; got '" + f + "'");
        });
        backprop.app.RunGuard.requireWritable("--output", output, input);   // never the rows it reads
        Model model = Model.load(modelDir);
        EncodedRows rows = CsvReader.readInputs(input, model.columns(), keepInputs);
        rows.warnings().forEach(w -> spec.commandLine().getErr().println("backprop: warning: " + w));
        float[][] x = new float[rows.rows()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = rows.row(i);
        }
        Prediction prediction = model.predict(x);
        Table table = table(model, rows, prediction);
        if (output != null) {
            AtomicFiles.write(output, out -> {
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                table.write(w, jsonl);
                w.flush();
            });
        } else {
            PrintWriter out = spec.commandLine().getOut();
            table.write(out, jsonl);
            out.flush();
        }
        return 0;
    }

    /**
     * The output: column names, and per row its cells, each text (kept input cells) or a number.
     */
    record Table(List<String> names, List<List<Object>> rows) {
        void write(Writer w, boolean jsonl) throws IOException {
            StringBuilder line = new StringBuilder();
            if (!jsonl) {
                w.write(String.join(",", names.stream().map(PredictCommand::quote).toList()) + "\n");
            }
            for (List<Object> row : rows) {
                line.setLength(0);
                for (int j = 0; j < row.size(); j++) {
                    Object cell = row.get(j);
                    if (jsonl) {
                        line.append(j == 0 ? "{" : ",").append(json(names.get(j))).append(':');
                        line.append(cell instanceof Double d ? (Double.isFinite(d) ? Decimals.format(d) : "null") : json((String) cell));
                    } else {
                        line.append(j == 0 ? "" : ",").append(cell instanceof Double d ? Decimals.format(d) : quote((String) cell));
                    }
                }
                w.write(line.append(jsonl ? "}\n" : "\n").toString());
            }
        }
    }

    static Table table(Model model, EncodedRows rows, Prediction prediction) {
        List<String> names = new ArrayList<>(rows.keptNames());
        String target = model.columns().target();
        String predicted = target == null ? (prediction.isClassification() ? "class" : "value")
                : names.contains(target) ? "predicted_" + target : target;
        names.add(predicted);
        if (prediction.isClassification()) {
            prediction.classNames().forEach(c -> names.add("p_" + c));
        }
        List<List<Object>> out = new ArrayList<>();
        for (int i = 0; i < prediction.size(); i++) {
            List<Object> row = new ArrayList<>(rows.kept().get(i));
            if (prediction.isClassification()) {
                row.add(prediction.className(i));
                for (double p : prediction.probabilities(i)) {
                    row.add(p);
                }
            } else {
                row.add(prediction.value(i));
            }
            out.add(row);
        }
        return new Table(names, out);
    }

    private static String json(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }

    /** A CSV field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break. */
    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
