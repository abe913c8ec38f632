package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import backprop.data.PreparedData.Standardize;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedDataTest {
    @TempDir
    Path dir;

    private String csv(String text) throws Exception {
        Path file = dir.resolve("d.csv");
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void oneRowIsTooFewToSplit() throws Exception {
        String file = csv("a,b,y\n1,2,0.5\n");
        assertThatThrownBy(() -> PreparedData.prepare(file, DataOptions.DEFAULTS, 0.2, Standardize.AUTO))
                .isInstanceOf(InputException.class)
                .hasMessage(file + ": has 1 row to split; expected at least 2, to hold out a test set and train on the rest");
    }

    @Test
    void classesOfOneRowEachLeaveNoTestRowsAndAreRefusedInsteadOfScoredNaN() throws Exception {
        String file = csv("a,b,y\n1,2,0\n3,4,1\n");
        assertThatThrownBy(() -> PreparedData.prepare(file, DataOptions.DEFAULTS, 0.2, Standardize.AUTO))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith(file + ": 2 rows, one of each of their classes, are too few to hold out a test set;");
        String three = csv("a,b,y\n1,2,0\n3,4,1\n5,6,0\n");
        assertThat(PreparedData.prepare(three, DataOptions.DEFAULTS, 0.2, Standardize.AUTO).test().size()).isEqualTo(1);
        assertThatThrownBy(() -> PreparedData.prepare(three, DataOptions.DEFAULTS, 0.2, 0.3, Standardize.AUTO))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("too few to hold out a validation set (--validation-split)");
    }

    @Test
    void autoStandardizesTabularSourcesAndLeavesPixelsAlone() {
        assertThat(PreparedData.prepare("iris", DataOptions.DEFAULTS, 0.2, Standardize.AUTO).standardizer()).isNotNull();
        PreparedData digits = PreparedData.prepare("digits", DataOptions.DEFAULTS, 0.2, Standardize.AUTO);
        assertThat(digits.standardizer()).isNull();
        float max = 0;
        for (float v : digits.train().features()) {
            max = Math.max(max, v);
        }
        assertThat(max).as("digits' pixels keep their 0..16 scale").isEqualTo(16f);
    }

    @Test
    void yesStandardizesImagesTooWithStatisticsOfTheTrainingSplit() {
        PreparedData digits = PreparedData.prepare("digits", DataOptions.DEFAULTS, 0.2, Standardize.YES);
        assertThat(digits.standardizer()).isNotNull();
        float[] x = digits.train().features();
        int d = digits.train().numFeatures();
        int rows = digits.train().size();
        double mean = 0;
        for (int i = 0; i < rows; i++) {
            mean += x[i * d + 20];   // a pixel in the middle of the image, never constant
        }
        assertThat(mean / rows).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-4));
    }
}
