package backprop.spark;

import backprop.data.DataOptions;
import backprop.data.Dataset;
import backprop.data.PreparedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The built-in digits, split and written as train.csv and test.csv: data a test can hand to Spark. */
final class DigitsCsv {
    private DigitsCsv() {}

    /** Writes {@code folder/train.csv} and {@code folder/test.csv} (header f0..f63,digit; raw pixel values). */
    static void write(Path folder) {
        PreparedData digits = PreparedData.prepare("digits", DataOptions.DEFAULTS.withSeed(1), 0.2, PreparedData.Standardize.NO);
        write(digits.train(), folder.resolve("train.csv"));
        write(digits.test(), folder.resolve("test.csv"));
    }

    private static void write(Dataset data, Path file) {
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", data.featureNames()) + ",digit");
        int d = data.numFeatures();
        float[] x = data.features();
        int[] y = data.labels();
        for (int i = 0; i < data.size(); i++) {
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < d; j++) {
                line.append((int) x[i * d + j]).append(',');
            }
            lines.add(line.append(data.classNames().get(y[i])).toString());
        }
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
