package backprop.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import backprop.data.DataOptions;
import backprop.data.PreparedData;
import backprop.nn.Activation;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.optim.Adam;
import backprop.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The real benchmark data, in CI too (bin/setup installs Debian's dataset-fashion-mnist): the
 * issue's MLP, two epochs. Ten epochs reach 0.883 here, PyTorch's 0.880-0.883 in the same
 * configuration; two are enough to show the whole path works on 60,000 images.
 */
class FashionMnistTest {

    @Test
    void twoEpochsOfTheBenchmarkMlpPassEightyFivePercent() {
        assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "dataset-fashion-mnist is not installed");
        PreparedData data = PreparedData.prepare("fashion-mnist", DataOptions.DEFAULTS, 0.2, PreparedData.Standardize.AUTO);
        assertThat(data.train().size()).isEqualTo(60_000);
        assertThat(data.test().size()).isEqualTo(10_000);
        Mlp mlp = new Mlp(784, List.of(256, 128), 10, Activation.RELU, 0);
        Sequential model = mlp.build(DType.FLOAT32, new SplittableRandom(1), new SplittableRandom(1));
        History history = new Trainer(model, Objective.CROSS_ENTROPY, new Adam(model.parameters(), 1e-3),
                TrainingOptions.DEFAULTS.withEpochs(2).withBatchSize(128)).fit(data.train(), data.test());
        assertThat(history.last().testAccuracy()).isGreaterThanOrEqualTo(0.85);
    }
}
