package backprop.api;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.Random;
import backprop.autograd.GradMode;
import backprop.data.DataOptions;
import backprop.data.DataSources;
import backprop.data.Dataset;
import backprop.io.SafeTensors;
import backprop.nn.Linear;
import backprop.nn.Loss;
import backprop.nn.ReLU;
import backprop.nn.Sequential;
import backprop.optim.Adam;
import backprop.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PyTorch user's first loop, written as PyTorch reads: it must compile as it stands and learn
 * iris. The lines between the markers are the issue's, unchanged but for the data they read.
 */
class IrisLoopTest {

    /** Iris as a PyTorch tutorial has it: 150 rows of 4 measurements, species 0, 1, 2. */
    static double[][] features() {
        Dataset iris = DataSources.load("iris", DataOptions.DEFAULTS).train();
        double[][] rows = new double[iris.size()][iris.numFeatures()];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[r].length; c++) {
                rows[r][c] = iris.feature(r, c);
            }
        }
        return rows;
    }

    static int[] labels() {
        return DataSources.load("iris", DataOptions.DEFAULTS).train().labels();
    }

    @Test
    void theLoopAsPyTorchWritesItLearnsIris(@TempDir Path dir) {
        double[][] features = features();
        int[] labels = labels();
        Path path = dir.resolve("iris.safetensors");

        // ---- the loop --------------------------------------------------------------
        Random.manualSeed(0);
        Tensor x = Tensor.of(features);
        var y = Tensor.of(labels);
        var model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));
        var opt = new Adam(model.parameters(), 1e-3);
        for (int epoch = 0; epoch < 200; epoch++) {
            opt.zeroGrad();
            Tensor loss = Loss.crossEntropy(model.forward(x), y);
            loss.backward();
            opt.step();
        }
        model.eval();
        Tensor pred;
        try (var g = GradMode.disabled()) {
            pred = model.forward(x).argmax(1);
        }
        Map<String, Tensor> state = model.stateDict();
        SafeTensors.write(path, state);
        var other = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));
        other.loadStateDict(SafeTensors.read(path));
        // --------------------------------------------------------------------------------------

        double accuracy = pred.eq(y).mean().item();
        assertThat(accuracy).isGreaterThanOrEqualTo(0.95);
        try (var g = GradMode.disabled()) {
            assertThat(other.forward(x).toFloatArray()).containsExactly(model.forward(x).toFloatArray());
        }
        assertThat(Map.copyOf(other.stateDict()).keySet()).containsExactlyInAnyOrder("0.weight", "0.bias", "2.weight", "2.bias");
    }
}
