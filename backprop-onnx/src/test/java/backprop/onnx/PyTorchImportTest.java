package backprop.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.data.Dataset;
import backprop.data.Task;
import backprop.io.Model;
import backprop.io.ModelFile;
import backprop.io.Prediction;
import backprop.io.SavedModel;
import backprop.optim.Adam;
import backprop.optim.Schedule;
import backprop.train.Evaluation;
import backprop.train.History;
import backprop.train.Objective;
import backprop.train.Trainer;
import backprop.train.TrainingOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLPs built, trained and exported by PyTorch (tools/onnx/make_pytorch_mlps.py; the files are
 * committed) import, predict what PyTorch computed within 1e-5, and train on.
 */
class PyTorchImportTest {
    @TempDir
    Path dir;

    @Test
    void aClassifierOfGemmReluSigmoidAndSoftmaxPredictsAsPyTorchDid() throws Exception {
        SavedModel saved = OnnxFile.load(resource("pytorch_classifier.onnx"));
        assertThat(saved.objective()).isEqualTo(Objective.CROSS_ENTROPY);
        assertThat(saved.classes()).containsExactly("0", "1", "2");
        assertThat(saved.features()).containsExactly("f0", "f1", "f2", "f3");
        assertThat(saved.provenance().toString()).contains("pytorch 1.13.0");
        Prediction p = Model.of(saved).predict(features(csv("pytorch_classifier.csv")));
        assertThat(OnnxRuntimeTest.maxDifference(p, floats(csv("pytorch_classifier_expected.csv")))).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void aRegressionOfMatMulAddAndTanhPredictsAsPyTorchDid() throws Exception {
        SavedModel saved = OnnxFile.load(resource("pytorch_regression.onnx"));
        assertThat(saved.task()).isEqualTo(Task.REGRESSION);
        Prediction p = Model.of(saved).predict(features(csv("pytorch_regression.csv")));
        assertThat(OnnxRuntimeTest.maxDifference(p, floats(csv("pytorch_regression_expected.csv")))).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void anImportedClassifierFineTunesAndSavesAsAModelFolder() throws Exception {
        OnnxFile.importModel(resource("pytorch_classifier.onnx"), dir.resolve("m"));
        SavedModel saved = ModelFile.load(dir.resolve("m"));
        float[][] rows = floats(csv("pytorch_classifier.csv"));
        float[] x = new float[rows.length * 4];
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, x, i * 4, 4);
            y[i] = (int) rows[i][4];
        }
        Dataset data = Dataset.classification(x, 4, y, saved.features(), saved.classes());
        double before = Evaluation.of(saved.network(), saved.objective(), data, 1024).loss();
        saved.network().train();
        History h = new Trainer(saved.network(), saved.objective(), new Adam(saved.network().parameters(), 0.01),
                new TrainingOptions(5, 32, 1, Schedule.constant())).fit(data, data);
        double after = Evaluation.of(saved.network(), saved.objective(), data, 1024).loss();
        assertThat(h.epochs()).hasSize(5);
        assertThat(after).isLessThan(before);
        ModelFile.save(dir.resolve("tuned"), saved);
        assertThat(ModelFile.load(dir.resolve("tuned")).network().stateDict().get("0.weight").toFloatArray())
                .containsExactly(saved.network().stateDict().get("0.weight").toFloatArray());
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(PyTorchImportTest.class.getResource(name).toURI());
    }

    /** A CSV's rows after the header, as numbers. */
    static List<String> csv(String name) throws IOException, URISyntaxException {
        List<String> lines = Files.readAllLines(resource(name));
        return lines.subList(1, lines.size());
    }

    static float[][] floats(List<String> lines) {
        float[][] rows = new float[lines.size()][];
        for (int i = 0; i < rows.length; i++) {
            String[] cells = lines.get(i).split(",");
            rows[i] = new float[cells.length];
            for (int j = 0; j < cells.length; j++) {
                rows[i][j] = Float.parseFloat(cells[j]);
            }
        }
        return rows;
    }

    /** The first four columns, the features. */
    static float[][] features(List<String> lines) {
        float[][] all = floats(lines);
        float[][] x = new float[all.length][];
        for (int i = 0; i < all.length; i++) {
            x[i] = java.util.Arrays.copyOf(all[i], 4);
        }
        return x;
    }
}
