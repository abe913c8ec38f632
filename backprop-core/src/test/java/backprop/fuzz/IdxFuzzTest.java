package backprop.fuzz;

import backprop.data.IdxReader;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** The IDX reader on any bytes: data or an input error (see {@link FuzzFiles}). */
class IdxFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void idx(FuzzedDataProvider data) {
        FuzzFiles.readOrRefuse(() -> IdxReader.readImages(FuzzFiles.write("images-idx3-ubyte", data.consumeRemainingAsBytes())));
    }
}
