package backprop.fuzz;

import backprop.onnx.OnnxFile;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The ONNX importer on any bytes: a model or an input error (see {@link FuzzFiles}, shared from
 * backprop-core's test jar). Lives beside the module it fuzzes; bin/fuzz runs it with core's targets.
 */
class OnnxFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void onnx(FuzzedDataProvider data) {
        FuzzFiles.readOrRefuse(() -> OnnxFile.load(FuzzFiles.write("model.onnx", data.consumeRemainingAsBytes())));
    }
}
