package backprop.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class StandardizerTest {
    @Test
    void fitsPopulationMeanAndStdAndGivesConstantColumnsStdOne() {
        // column 0: 1, 2, 3, 4 -> mean 2.5, std sqrt(1.25); column 1 constant 7.
        Standardizer s = Standardizer.fit(new float[] {1, 7, 2, 7, 3, 7, 4, 7}, 2);
        assertThat(s.means()).containsExactly(2.5f, 7f);
        assertThat(s.stds()[0]).isCloseTo((float) Math.sqrt(1.25), within(1e-6f));
        assertThat(s.stds()[1]).isEqualTo(1f);
    }

    @Test
    void ofMomentsIsFitFromSumsComputedElsewhere() {
        // the same columns as above: deviations -1.5, -0.5, 0.5, 1.5 square to 5; column 1 has none
        Standardizer s = Standardizer.ofMoments(4, new double[] {2.5, 7}, new double[] {5, 0});
        assertThat(s.means()).containsExactly(2.5f, 7f);
        assertThat(s.stds()).containsExactly(Standardizer.fit(new float[] {1, 7, 2, 7, 3, 7, 4, 7}, 2).stds());
        assertThatThrownBy(() -> Standardizer.ofMoments(0, new double[] {1}, new double[] {1})).hasMessageContaining("n >= 1");
    }

    @Test
    void transformedColumnsHaveMeanZeroAndStdOne() {
        Dataset d = Dataset.regression(new float[] {1, 7, 2, 7, 3, 7, 4, 7}, 2, new float[] {0, 1, 2, 3}, List.of("a", "b"));
        Dataset z = Standardizer.fit(d).transform(d);
        Standardizer again = Standardizer.fit(z);
        assertThat(again.means()[0]).isCloseTo(0f, within(1e-6f));
        assertThat(again.stds()[0]).isCloseTo(1f, within(1e-6f));
        assertThat(z.feature(0, 1)).isZero();
        assertThat(z.targets()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aSavedStandardizerTransformsLikeTheFittedOne() {
        Standardizer fitted = Standardizer.fit(new float[] {1, 5, 3, 9}, 2);
        Standardizer loaded = Standardizer.of(fitted.means(), fitted.stds());
        float[] a = {2, 6};
        float[] b = {2, 6};
        fitted.transformInPlace(a);
        loaded.transformInPlace(b);
        assertThat(a).containsExactly(b);
    }

    @Test
    void rejectsAZeroStd() {
        assertThatThrownBy(() -> Standardizer.of(new float[] {0}, new float[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stds[0] must be finite and > 0");
    }
}
