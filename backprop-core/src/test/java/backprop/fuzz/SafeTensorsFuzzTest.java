package backprop.fuzz;

import backprop.io.SafeTensors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** The safetensors reader on any bytes: data or an input error (see {@link FuzzFiles}). */
class SafeTensorsFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void safetensors(FuzzedDataProvider data) {
        FuzzFiles.readOrRefuse(() -> SafeTensors.read(FuzzFiles.write("model.safetensors", data.consumeRemainingAsBytes())));
    }
}
