package backprop.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import backprop.io.Model;
import backprop.io.Prediction;
import backprop.io.SavedModel;
import backprop.onnx.Trained.Architecture;
import backprop.onnx.Trained.Problem;
import backprop.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The round trip of the issue: train, export, run in ONNX Runtime, compare with what
 * {@code backprop predict} computes ({@link Model#predict}), for every architecture and task the
 * command line builds, with and without standardization; then import the file and compare again.
 * Writes every exported file under target/onnx-exports (for the ONNX checker, {@link OnnxCheckerTest})
 * and the table of largest differences to target/onnx-exports/ort.md.
 */
class OnnxRuntimeTest {
    static final Path EXPORTS = Path.of("target", "onnx-exports");
    private static final double TOLERANCE = 1e-5;

    @Test
    void everyArchitectureAndTaskRunsInOnnxRuntimeAsPredictDoes() throws Exception {
        Files.createDirectories(EXPORTS);
        float[][] rows = Trained.rows(100, 99);   // not the training rows; a batch of 100 on the symbolic batch dimension
        StringBuilder table = new StringBuilder("| architecture | task | standardized | ORT vs predict | imported vs predict |\n| --- | --- | --- | --- | --- |\n");
        double worst = 0;
        double worstFloat64 = 0;
        try (OrtEnvironment env = OrtEnvironment.getEnvironment()) {
            for (Architecture a : Trained.ARCHITECTURES) {
                for (Problem p : Trained.PROBLEMS) {
                    for (boolean standardize : new boolean[] {false, true}) {
                        SavedModel model = Trained.model(a, p, standardize);
                        byte[] onnx = OnnxFile.toBytes(model);
                        Files.write(EXPORTS.resolve((a.name() + "-" + p.name() + (standardize ? "-std" : "")).replaceAll("[^A-Za-z0-9.-]+", "_") + ".onnx"), onnx);
                        Prediction expected = Model.of(model).predict(rows);
                        double ort = maxDifference(expected, run(env, onnx, rows, model.objective().isClassification()));
                        double imported = maxDifference(expected, outputs(Model.of(Importer.read(Path.of("exported.onnx"), onnx)).predict(rows)));
                        table.append("| %s | %s | %s | %.2e | %.2e |%n".formatted(a, p, standardize ? "yes" : "no", ort, imported));
                        if (a.dtype() == DType.FLOAT32) {
                            worst = Math.max(worst, Math.max(ort, imported));
                        } else {
                            // the graph is float32: a float64 network's weights are rounded to float32 (see OnnxFile)
                            worstFloat64 = Math.max(worstFloat64, Math.max(ort, imported));
                        }
                    }
                }
            }
        }
        Files.writeString(EXPORTS.resolve("ort.md"), table);
        System.out.print(table);
        assertThat(worst).as("largest difference from backprop predict, in the table:%n%s", table).isLessThanOrEqualTo(TOLERANCE);
        assertThat(worstFloat64).as("largest difference for float64 networks, in the table:%n%s", table).isLessThanOrEqualTo(10 * TOLERANCE);
    }

    @Test
    void statesOpsetBatchDimensionClassesAndProvenance() throws OrtException, IOException {
        SavedModel model = Trained.model(Trained.ARCHITECTURES.get(1), Trained.PROBLEMS.get(3), true);
        try (OrtEnvironment env = OrtEnvironment.getEnvironment();
             OrtSession session = env.createSession(OnnxFile.toBytes(model), new OrtSession.SessionOptions())) {
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            assertThat(meta.get("classes")).isEqualTo("[\"k0\",\"k1\",\"k2\",\"k3\",\"k4\",\"k5\",\"k6\",\"k7\",\"k8\",\"k9\"]");
            assertThat(meta.get("features")).isEqualTo("[\"c0\",\"c1\",\"c2\",\"c3\",\"c4\"]");
            assertThat(meta).containsEntry("task", "classification").containsEntry("objective", "cross-entropy");
            assertThat(meta.get("provenance")).contains("\"seed\":1");
            assertThat(session.getMetadata().getProducerName()).isEqualTo("backprop4j");
            assertThat(session.getInputInfo().get("features").getInfo().toString()).contains("shape=[-1, 5]");
            assertThat(session.getOutputNames()).containsExactly("logits", "probabilities");
            assertThat(session.getOutputInfo().get("probabilities").getInfo().toString()).contains("shape=[-1, 10]");
        }
        onnx.Onnx.ModelProto proto = onnx.Onnx.ModelProto.parseFrom(OnnxFile.toBytes(model));
        assertThat(proto.getOpsetImport(0).getVersion()).isEqualTo(13);
        assertThat(proto.getIrVersion()).isEqualTo(7);
    }

    /** Each row's outputs from ONNX Runtime: the probabilities of a classifier, the value of a regression. */
    static float[][] run(OrtEnvironment env, byte[] onnx, float[][] rows, boolean classification) throws OrtException {
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, rows);
             OrtSession.Result result = session.run(Map.of(OnnxFile.INPUT, input))) {
            return (float[][]) result.get(classification ? OnnxFile.PROBABILITIES : OnnxFile.VALUE).orElseThrow().getValue();
        }
    }

    /** A prediction's numbers per row: probabilities, or the value. */
    static float[][] outputs(Prediction p) {
        float[][] out = new float[p.size()][];
        for (int i = 0; i < p.size(); i++) {
            double[] row = p.isClassification() ? p.probabilities(i) : new double[] {p.value(i)};
            out[i] = new float[row.length];
            for (int j = 0; j < row.length; j++) {
                out[i][j] = (float) row[j];
            }
        }
        return out;
    }

    /** The largest absolute difference between {@code expected}'s numbers and {@code actual}, which must have their shape. */
    static double maxDifference(Prediction expected, float[][] actual) {
        double[][] e = new double[expected.size()][];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected.isClassification() ? expected.probabilities(i) : new double[] {expected.value(i)};
        }
        assertThat(actual.length).isEqualTo(e.length);
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            assertThat(actual[i]).hasSize(e[i].length);
            for (int j = 0; j < e[i].length; j++) {
                worst = Math.max(worst, Math.abs(e[i][j] - actual[i][j]));
            }
        }
        return worst;
    }
}
