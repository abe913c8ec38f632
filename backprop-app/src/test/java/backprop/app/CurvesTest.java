package backprop.app;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.train.EpochMetrics;
import backprop.train.History;
import java.util.List;
import org.junit.jupiter.api.Test;

class CurvesTest {
    private static final History TWO_EPOCHS = new History(List.of(
            new EpochMetrics(1, 0.9, 0.6, 0.8, 0.7, Double.NaN, 1, 1, 100),
            new EpochMetrics(2, 0.5, 0.8, 0.6, 0.75, Double.NaN, 1, 1, 100)));

    /** A run with validation rows scores each epoch on them: the legend must not call them the test set. */
    @Test
    void theHeldOutCurvesAreNamedAfterTheRowsTheyWereScoredOn() {
        assertThat(Curves.chart(TWO_EPOCHS, true, "validation").getSeriesMap().keySet())
                .containsExactly("train loss", "validation loss", "train accuracy", "validation accuracy");
        assertThat(Curves.chart(TWO_EPOCHS, true, "test").getSeriesMap().keySet())
                .containsExactly("train loss", "test loss", "train accuracy", "test accuracy");
    }

    @Test
    void aRegressionHasNoAccuracyCurves() {
        assertThat(Curves.chart(TWO_EPOCHS, false, "test").getSeriesMap().keySet()).containsExactly("train loss", "test loss");
    }
}
