package backprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.autograd.GradMode;
import backprop.data.DataOptions;
import backprop.data.DataSources;
import backprop.data.Dataset;
import backprop.data.PreparedData;
import backprop.io.ModelFile;
import backprop.io.SavedModel;
import backprop.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictCommandTest {
    static final int ROWS = 12;

    @TempDir
    static Path dir;
    static Path model;
    static Path input;
    static Dataset digits;

    @BeforeAll
    static void trainAndWriteRows() throws IOException {
        model = Fixtures.train(dir.resolve("digits"), "--data", "digits", "--standardize", "yes");   // predict must apply it
        digits = DataSources.load("digits", DataOptions.DEFAULTS).train();
        // The label column comes first and the features are in reverse order: predict reads them by name.
        StringBuilder s = new StringBuilder("digit");
        List<String> names = new ArrayList<>(digits.featureNames());
        java.util.Collections.reverse(names);
        names.forEach(n -> s.append(',').append(n));
        s.append('\n');
        float[] x = digits.features();
        int d = digits.numFeatures();
        for (int i = 0; i < ROWS; i++) {
            s.append(digits.classNames().get(digits.label(i)));
            for (int j = d - 1; j >= 0; j--) {
                s.append(',').append(x[i * d + j]);
            }
            s.append('\n');
        }
        input = Files.writeString(dir.resolve("rows.csv"), s);
    }

    @Test
    void classesAndProbabilitiesAreThoseOfTheNetworkComputedInProcess() {
        Cli run = Cli.run("predict", "--model", model.toString(), "--input", input.toString());
        assertThat(run.status()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("class,p_0,p_1,p_2,p_3,p_4,p_5,p_6,p_7,p_8,p_9");
        assertThat(lines).hasSize(ROWS + 1);

        // In process: the standardizer refitted on the same training split, the saved float32 network.
        SavedModel saved = ModelFile.load(model);
        PreparedData prepared = PreparedData.prepare("digits", DataOptions.DEFAULTS.withSeed(1), 0.2, PreparedData.Standardize.YES);
        float[] x = Arrays.copyOf(digits.features(), ROWS * digits.numFeatures());
        prepared.standardizer().transformInPlace(x);
        double[][] expected;
        int[] classes = new int[ROWS];
        try (var noGrad = GradMode.disabled()) {
            Tensor z = saved.network().forward(Tensor.wrap(x, ROWS, digits.numFeatures()));
            expected = saved.objective().probabilities(z);
            saved.objective().classify(z, classes);
        }
        for (int i = 0; i < ROWS; i++) {
            String[] cells = lines.get(i + 1).split(",");
            assertThat(cells[0]).isEqualTo(Integer.toString(classes[i]));
            assertThat(Arrays.copyOfRange(cells, 1, cells.length))
                    .containsExactly(Arrays.stream(expected[i]).mapToObj(Decimals::format).toArray(String[]::new));
        }
    }

    @Test
    void outputGoesToTheFileAndNothingToStandardOutput() throws IOException {
        Path out = dir.resolve("predictions.csv");
        Cli run = Cli.run("predict", "--model", model.toString(), "--input", input.toString(), "--output", out.toString());
        assertThat(run.status()).as(run.toString()).isZero();
        assertThat(run.out()).isEmpty();
        String stdout = Cli.run("predict", "--model", model.toString(), "--input", input.toString()).out();
        assertThat(Files.readString(out)).isEqualTo(stdout);
    }

    @Test
    void regressionWritesOneValuePerRow() throws IOException {
        Path csv = Fixtures.regressionCsv(dir.resolve("regression.csv"), 40);
        Path reg = Fixtures.train(dir.resolve("regression"), "--data", csv.toString());
        Cli run = Cli.run("predict", "--model", reg.toString(), "--input", csv.toString());
        assertThat(run.status()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("y");   // named after the target
        assertThat(lines).hasSize(41);
        assertThat(lines.subList(1, 41)).allSatisfy(v -> assertThat(Double.parseDouble(v)).isFinite());
    }

    @Test
    void aMissingFeatureColumnIsBadInputNamingFileAndColumn() throws IOException {
        Path csv = Files.writeString(dir.resolve("short.csv"), "pixel_0_0,pixel_0_1\n1,2\n");
        Cli run = Cli.run("predict", "--model", model.toString(), "--input", csv.toString());
        assertThat(run.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).startsWith(csv + ":1: no columns 'pixel_0_2'").doesNotContain("at backprop.");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMissingModelIsBadInputNamingIt() {
        Path missing = dir.resolve("nothing-here");
        Cli run = Cli.run("predict", "--model", missing.toString(), "--input", input.toString());
        assertThat(run.status()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).startsWith(missing.toString()).doesNotContain("at backprop.");
    }

    @Test
    void numbersAreFloat32ShortestAndPlain() {
        assertThat(Decimals.format(0.001f)).isEqualTo("0.001");               // not 0.0010000000474974513
        assertThat(Decimals.format(8.80557403434068E-4)).isEqualTo("0.0008805574");   // not 8.80557403434068E-4
        assertThat(Decimals.format(3.3226020336151123)).isEqualTo("3.322602");
        assertThat(Decimals.format(1.0)).isEqualTo("1");
        assertThat(Decimals.format(-2.5e7)).isEqualTo("-25000000");
        assertThat(Decimals.format(0.0)).isEqualTo("0");
        assertThat(Decimals.format(1e-9f)).isEqualTo("1e-9");                 // plain would be a run of zeros
        assertThat(Decimals.format(3e30f)).isEqualTo("3e30");
        assertThat(Decimals.format(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void theOutputIsTheIdThenThePredictionNamedAfterTheTargetInCsvAndJsonl() throws IOException {
        backprop.nn.Linear line = new backprop.nn.Linear(2, 1);
        line.loadStateDict(java.util.Map.of("weight", backprop.tensor.Tensor.of(new float[][] {{0.5f, -0.25f}}),
                "bias", backprop.tensor.Tensor.of(new float[] {0.001f})));
        backprop.data.Columns columns = backprop.data.Columns.of("price", "id",
                List.of(backprop.data.Columns.Column.numeric("a"), backprop.data.Columns.Column.numeric("b")));
        Path folder = dir.resolve("pinned");
        ModelFile.save(folder, new SavedModel(line, backprop.train.Objective.MSE, backprop.data.Task.REGRESSION,
                List.of("a", "b"), List.of(), null, java.util.Map.of(), columns, null));
        Path in = Files.writeString(dir.resolve("pinned.csv"), "b,id,a,note\n0,\"A,1\",0,x\n0,B,2,y\n4,C,-2,z\n");
        Cli csv = Cli.run("predict", "--model", folder.toString(), "--input", in.toString());
        assertThat(csv.status()).as(csv.toString()).isZero();
        assertThat(csv.out()).isEqualTo("id,price\n\"A,1\",0.001\nB,1.001\nC,-1.999\n");
        assertThat(csv.err()).isEqualTo("backprop: warning: " + in + ": ignoring column note (not among the model's inputs)\n");
        Cli jsonl = Cli.run("predict", "--model", folder.toString(), "--input", in.toString(), "--format", "jsonl", "--keep-inputs");
        assertThat(jsonl.out()).isEqualTo("""
                {"b":"0","id":"A,1","a":"0","note":"x","price":0.001}
                {"b":"0","id":"B","a":"2","note":"y","price":1.001}
                {"b":"4","id":"C","a":"-2","note":"z","price":-1.999}
                """);
    }

    @Test
    void quotesClassNamesThatNeedIt() {
        assertThat(PredictCommand.quote("T-shirt/top")).isEqualTo("T-shirt/top");
        assertThat(PredictCommand.quote("a,b")).isEqualTo("\"a,b\"");
        assertThat(PredictCommand.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    }
}
