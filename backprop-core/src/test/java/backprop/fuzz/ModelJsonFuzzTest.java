package backprop.fuzz;

import backprop.io.ModelFile;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** The model loader on a model.json of any bytes: a model or an input error (see {@link FuzzFiles}). */
class ModelJsonFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void modelJson(FuzzedDataProvider data) {
        FuzzFiles.readOrRefuse(() -> ModelFile.load(FuzzFiles.write("model/" + ModelFile.JSON, data.consumeRemainingAsBytes()).getParent()));
    }
}
