package backprop.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.data.Columns;
import backprop.data.Columns.Column;
import backprop.data.Standardizer;
import backprop.data.Task;
import backprop.io.Model;
import backprop.io.SavedModel;
import backprop.nn.Linear;
import backprop.nn.Sequential;
import backprop.train.Objective;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The preprocessing around the network, in the exported graph and back. */
class PreprocessingTest {

    @Test
    void aCategoricalColumnIsRefusedByName() {
        Columns columns = Columns.of("y", null, List.of(Column.numeric("x"),
                new Column("kind", Columns.Kind.CATEGORICAL, List.of("apple", "pear"), null)));
        SavedModel model = new SavedModel(new Sequential(new Linear(3, 1)), Objective.MSE, Task.REGRESSION,
                columns.featureNames(), List.of(), null, Map.of(), columns, null);
        assertThatThrownBy(() -> OnnxFile.toBytes(model)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ONNX export: column 'kind' is categorical; the exported graph reads numeric rows only");
    }

    @Test
    void aStandardizedTargetComesBackInItsUnitsAndSurvivesTheRoundTrip() {
        Standardizer target = Standardizer.of(new float[] {150}, new float[] {40});
        SavedModel model = new SavedModel(new Sequential(new Linear(2, 1)), Objective.MSE, Task.REGRESSION,
                List.of("a", "b"), List.of(), null, Map.of(), null, target);
        SavedModel back = Importer.read(java.nio.file.Path.of("m.onnx"), OnnxFile.toBytes(model));
        assertThat(back.targetStandardizer().means()).containsExactly(150f);
        assertThat(back.targetStandardizer().stds()).containsExactly(40f);
        double[][] rows = {{1, 2}, {-3, 0.5}};
        assertThat(Model.of(back).predict(rows).values()).containsExactly(Model.of(model).predict(rows).values());
    }
}
