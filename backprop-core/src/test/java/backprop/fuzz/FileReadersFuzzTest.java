package backprop.fuzz;

import backprop.InputException;
import backprop.data.CsvReader;
import backprop.data.IdxReader;
import backprop.io.ModelFile;
import backprop.io.SafeTensors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every reader of user files, given any bytes, returns data or throws {@link InputException}:
 * never another exception, never an allocation sized by an unchecked header. Plain test runs
 * replay the seed corpus; {@code bin/fuzz} fuzzes each target for a bounded time.
 */
class FileReadersFuzzTest {

    private static Path write(String name, byte[] bytes) {
        try {
            Path dir = Files.createTempDirectory("fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(name);
            Files.write(file, bytes);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void csv(FuzzedDataProvider data) {
        try {
            CsvReader.read(write("data.csv", data.consumeRemainingAsBytes()));
        } catch (InputException documented) {
            // bad input, reported with file and row
        }
    }

    @FuzzTest(maxDuration = "30s")
    void idx(FuzzedDataProvider data) {
        try {
            IdxReader.readImages(write("images-idx3-ubyte", data.consumeRemainingAsBytes()));
        } catch (InputException documented) {
            // bad input, reported with the file
        }
    }

    @FuzzTest(maxDuration = "30s")
    void safetensors(FuzzedDataProvider data) {
        try {
            SafeTensors.read(write("model.safetensors", data.consumeRemainingAsBytes()));
        } catch (InputException documented) {
            // bad input, reported with the file and the tensor
        }
    }

    @FuzzTest(maxDuration = "30s")
    void modelJson(FuzzedDataProvider data) {
        Path json = write(ModelFile.JSON, data.consumeRemainingAsBytes());
        try {
            ModelFile.load(json.getParent());
        } catch (InputException documented) {
            // bad input, reported with the file and the field
        }
    }
}
