package backprop.fuzz;

import backprop.data.CsvReader;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** The CSV reader on any bytes: data or an input error (see {@link FuzzFiles}). */
class CsvFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void csv(FuzzedDataProvider data) {
        FuzzFiles.readOrRefuse(() -> CsvReader.read(FuzzFiles.write("data.csv", data.consumeRemainingAsBytes())));
    }
}
