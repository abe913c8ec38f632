package backprop;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.data.DataOptions;
import backprop.data.PreparedData;
import backprop.io.Model;
import backprop.io.ModelFile;
import backprop.io.Prediction;
import backprop.io.SavedModel;
import backprop.nn.Activation;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.optim.Adam;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import backprop.train.Evaluation;
import backprop.train.Objective;
import backprop.train.Trainer;
import backprop.train.TrainingOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java examples, verbatim between the markers, so that they keep compiling and working. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void trainEvaluateSave() {
        Path folder = dir.resolve("digits-model");
        // README:train:begin
        PreparedData data = PreparedData.prepare("digits", DataOptions.DEFAULTS, 0.2, PreparedData.Standardize.AUTO);
        Mlp mlp = new Mlp(64, List.of(64), 10, Activation.RELU, 0);
        Sequential model = mlp.build(DType.FLOAT32, new SplittableRandom(1), new SplittableRandom(2));

        Adam adam = new Adam(model.parameters(), 0.01);
        new Trainer(model, Objective.CROSS_ENTROPY, adam, TrainingOptions.DEFAULTS.withEpochs(10))
                .fit(data.train(), data.test());

        Evaluation test = Evaluation.of(model, Objective.CROSS_ENTROPY, data.test(), 256);
        System.out.printf("test accuracy %.4f%n", test.accuracy());
        ModelFile.save(folder, SavedModel.of(model, Objective.CROSS_ENTROPY, data));
        // README:train:end
        assertThat(test.accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(ModelFile.load(folder).network().namedParameters()).containsOnlyKeys("0.weight", "0.bias", "2.weight", "2.bias");

        double[] pixels = new double[64];
        // README:predict:begin
        Model digits = Model.load(folder);                       // any model folder: train's, or ModelFile.save's
        Prediction p = digits.predict(new double[][] {pixels});  // raw values in digits.features() order
        System.out.println(p.className(0) + " " + Arrays.toString(p.probabilities(0)));
        // README:predict:end
        assertThat(Arrays.stream(p.probabilities(0)).sum()).isCloseTo(1, org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void autograd() {
        // README:autograd:begin
        Tensor x = Tensor.scalar(1).requiresGrad(true);
        Tensor w = Tensor.vector(0.5, -1).requiresGrad(true);
        Tensor y = w.mul(x).sigmoid().sum();      // y = sigmoid(w1 x) + sigmoid(w2 x)
        y.backward();
        System.out.println(x.grad());             // dy/dx = sum_i w_i s_i (1 - s_i)
        System.out.println(w.grad());             // dy/dw_i = x s_i (1 - s_i)
        // README:autograd:end
        double s1 = 1 / (1 + Math.exp(-0.5));
        double s2 = 1 / (1 + Math.exp(1));
        assertThat(x.grad().item()).isEqualTo(0.5 * s1 * (1 - s1) - s2 * (1 - s2), org.assertj.core.api.Assertions.within(1e-15));
    }
}
