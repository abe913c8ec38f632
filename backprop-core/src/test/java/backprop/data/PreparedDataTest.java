package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.data.PreparedData.Standardize;
import org.junit.jupiter.api.Test;

class PreparedDataTest {
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
