package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
    @TempDir
    Path dir;

    /** No $BACKPROP_DATA and a system folder that does not exist, so tests see only what they set up. */
    DataOptions isolated() {
        return DataOptions.DEFAULTS.withSystemDir(dir.resolve("no-system-datasets"));
    }

    @Test
    void digitsAreBuiltIn() {
        LoadedData loaded = DataSources.load("digits", isolated());
        Dataset d = loaded.train();
        assertThat(d.size()).isEqualTo(1797);
        assertThat(d.numFeatures()).isEqualTo(64);
        assertThat(d.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(d.featureNames()).startsWith("pixel_0_0").endsWith("pixel_7_7");
        assertThat(d.classCounts()).containsExactly(178, 182, 177, 183, 181, 182, 181, 179, 174, 180);
        assertThat(d.feature(0, 2)).isEqualTo(5f); // the first row of scikit-learn's digits.csv.gz: 0,0,5,13,...
        assertThat(loaded.test()).isEmpty();
        assertThat(loaded.source()).isEqualTo("digits (built in)");
        assertThat(loaded.sha256()).hasSize(64);
    }

    @Test
    void irisIsBuiltIn() {
        Dataset d = DataSources.load("iris", isolated()).train();
        assertThat(d.size()).isEqualTo(150);
        assertThat(d.numFeatures()).isEqualTo(4);
        assertThat(d.classNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(d.classCounts()).containsExactly(50, 50, 50);
        assertThat(d.featureNames()).containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width");
    }

    @Test
    void generatedSourcesFollowTheSeed() {
        LoadedData a = DataSources.load("spirals", isolated().withSeed(3));
        LoadedData b = DataSources.load("spirals", isolated().withSeed(3));
        LoadedData c = DataSources.load("spirals", isolated().withSeed(4));
        assertThat(a.train().features()).isEqualTo(b.train().features());
        assertThat(a.sha256()).isEqualTo(b.sha256()).isNotEqualTo(c.sha256());
        assertThat(a.source()).contains("seed 3");
        assertThat(DataSources.load("xor", isolated()).train().size()).isEqualTo(DataSources.XOR_POINTS);
    }

    @Test
    void aCsvPathIsLoadedWithItsDigestAndAbsolutePath() throws IOException {
        Path file = dir.resolve("t.csv");
        Files.writeString(file, "a,b\n1,x\n2,y\n");
        LoadedData loaded = DataSources.load(file.toString(), isolated());
        assertThat(loaded.train().size()).isEqualTo(2);
        assertThat(loaded.source()).isEqualTo(file.toAbsolutePath().toString());
    }

    @Test
    void anUnknownNameListsTheBuiltInNames() {
        assertThatThrownBy(() -> DataSources.load("digitz", isolated())).isInstanceOf(InputException.class)
                .hasMessage("--data digitz: no built-in data set of that name and no such file;"
                        + " expected one of digits, iris, xor, spirals, fashion-mnist, mnist, or a path to a .csv file");
    }

    @Test
    void aMissingIdxSourceSaysWhereItLookedAndHowToGetIt() {
        DataOptions options = isolated().withEnvironment(Map.of("BACKPROP_DATA", dir.resolve("home").toString()));
        assertThatThrownBy(() -> DataSources.load("fashion-mnist", options)).isInstanceOf(InputException.class)
                .hasMessageContaining("fashion-mnist: not found. Looked in:")
                .hasMessageContaining(dir.resolve("home/fashion-mnist") + " ($BACKPROP_DATA): no such folder")
                .hasMessageContaining(dir.resolve("no-system-datasets/fashion-mnist") + " (system data sets): no such folder")
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
    }

    @Test
    void anIdxFolderWithFilesMissingNamesThem() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("m"));
        Files.write(folder.resolve("train-images-idx3-ubyte"), new byte[0]);
        assertThatThrownBy(() -> DataSources.load("mnist", isolated().withDataDir(folder)))
                .hasMessageContaining(folder + " (--data-dir): no train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz],"
                        + " t10k-labels-idx1-ubyte[.gz]")
                .hasMessageContaining(folder.resolve("mnist") + " (--data-dir): no such folder");
    }

    @Test
    void idxFilesAreFoundUnderTheirMirrorSpellingsToo() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("mnist"));
        byte[] images = IdxReaderTest.concat(IdxReaderTest.header(IdxReader.IMAGES_MAGIC, 2, 1, 1), new byte[] {0, (byte) 255});
        byte[] labels = IdxReaderTest.concat(IdxReaderTest.header(IdxReader.LABELS_MAGIC, 2), new byte[] {3, 9});
        Files.write(folder.resolve("train-images.idx3-ubyte"), images);
        Files.write(folder.resolve("train-labels.idx1-ubyte"), labels);
        Files.write(folder.resolve("t10k-images-idx3-ubyte"), images);
        Files.write(folder.resolve("t10k-labels-idx1-ubyte"), labels);
        LoadedData loaded = DataSources.load("mnist", isolated().withEnvironment(Map.of("BACKPROP_DATA", dir.toString())));
        assertThat(loaded.train().labels()).containsExactly(3, 9);
        assertThat(loaded.test()).get().extracting(Dataset::size).isEqualTo(2);
        assertThat(loaded.source()).isEqualTo("mnist (" + folder.toAbsolutePath() + ")");
    }

    @Test
    void fashionMnistFromTheSystemFolder() {
        // Debian's dataset-fashion-mnist, installed by bin/setup here and in CI
        LoadedData loaded = DataSources.load("fashion-mnist", DataOptions.DEFAULTS);
        Dataset train = loaded.train();
        Dataset test = loaded.test().orElseThrow();
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(train.numFeatures()).isEqualTo(784);
        assertThat(train.classNames()).isEqualTo(DataSources.FASHION_CLASSES);
        assertThat(train.classCounts()).containsOnly(6000);
        assertThat(test.classCounts()).containsOnly(1000);
        assertThat(loaded.source()).isEqualTo("fashion-mnist (/usr/share/datasets/fashion-mnist)");
    }

    @Test
    void theListingSaysWhereEachSourceIsReadFrom() {
        var list = DataSources.list(isolated());
        assertThat(list).extracting(SourceInfo::name).containsExactlyElementsOf(DataSources.BUILTIN);
        assertThat(list.get(0).location()).isEqualTo("built in");
        assertThat(list.get(4).available()).isFalse();
        assertThat(list.get(4).location()).startsWith("not found; looked in " + dir.resolve("no-system-datasets/fashion-mnist"));
        assertThat(DataSources.list(DataOptions.DEFAULTS).get(4).location()).isEqualTo("/usr/share/datasets/fashion-mnist");
    }
}
