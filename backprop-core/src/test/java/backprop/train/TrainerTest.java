package backprop.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.data.DataOptions;
import backprop.data.DataSources;
import backprop.data.Dataset;
import backprop.data.LoadedData;
import backprop.data.Split;
import backprop.data.Standardizer;
import backprop.nn.Activation;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.optim.Adam;
import backprop.optim.Sgd;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainerTest {

    private static Split standardizedSplit(String source, long seed) {
        LoadedData loaded = DataSources.load(source, DataOptions.DEFAULTS.withSeed(seed));
        Split split = Split.stratified(loaded.train(), 0.2, new SplittableRandom(seed));
        Standardizer s = Standardizer.fit(split.train());
        return new Split(s.transform(split.train()), s.transform(split.test()));
    }

    private static History train(Split data, List<Integer> hidden, int epochs, long seed) {
        Dataset train = data.train();
        Objective objective = Objective.auto(train.task(), train.numClasses());
        Sequential model = new Mlp(train.numFeatures(), hidden, objective.outputs(train.numClasses()), Activation.RELU, 0)
                .build(DType.FLOAT32, new SplittableRandom(seed), new SplittableRandom(seed + 1));
        Adam adam = new Adam(model.parameters(), 0.01);
        return new Trainer(model, objective, adam, TrainingOptions.DEFAULTS.withEpochs(epochs).withSeed(seed))
                .fit(train, data.test());
    }

    @Test
    void anMlpLearnsTheDigits() {
        History h = train(standardizedSplit("digits", 1), List.of(64), 10, 1);
        assertThat(h.last().testAccuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(h.epochs()).hasSize(10);
    }

    @Test
    void spiralsNeedAHiddenLayer() {
        Split spirals = standardizedSplit("spirals", 3);
        double mlp = train(spirals, List.of(64, 64), 60, 3).last().testAccuracy();
        double logistic = train(spirals, List.of(), 20, 3).last().testAccuracy();
        assertThat(mlp).isGreaterThanOrEqualTo(0.98);
        assertThat(logistic).isLessThan(0.7);
    }

    @Test
    void theSameSeedGivesTheSameWeightsBitForBit() {
        Split data = standardizedSplit("iris", 5);
        float[][] first = weightsAfterTraining(data, 5);
        float[][] second = weightsAfterTraining(data, 5);
        assertThat(second).isDeepEqualTo(first);
    }

    private static float[][] weightsAfterTraining(Split data, long seed) {
        Sequential model = new Mlp(4, List.of(8), 3, Activation.TANH, 0.2)
                .build(DType.FLOAT32, new SplittableRandom(seed), new SplittableRandom(seed));
        new Trainer(model, Objective.CROSS_ENTROPY, new Sgd(model.parameters(), 0.1, new Sgd.Options(0.9, true, 1e-4)),
                TrainingOptions.DEFAULTS.withEpochs(3).withBatchSize(16).withSeed(seed)).fit(data.train(), data.test());
        return model.parameters().stream().map(Parameter::toFloatArray).toArray(float[][]::new);
    }

    /** With {@link #divergingData}, regression targets of 1e30 under a learning rate of 10: the loss overflows in epoch 1. */
    private static Trainer divergingRun() {
        Sequential model = new Mlp(4, List.of(8), 1, Activation.RELU, 0)
                .build(DType.FLOAT32, new SplittableRandom(1), new SplittableRandom(1));
        return new Trainer(model, Objective.MSE, new Sgd(model.parameters(), 10),
                TrainingOptions.DEFAULTS);
    }

    private static Dataset divergingData() {
        Split data = standardizedSplit("iris", 5);
        return Dataset.regression(data.train().features(), 4, toFloat(data.train().labels(), 1e30f), data.train().featureNames());
    }

    @Test
    void aDivergingRunStopsNamingEpochAndStep() {
        Trainer trainer = divergingRun();
        Dataset regression = divergingData();
        assertThatThrownBy(() -> trainer.fit(regression, null))
                .isInstanceOf(DivergenceException.class)
                .hasMessageContaining("training diverged: the loss became")
                .hasMessageContaining("at epoch 1, step");
    }

    @Test
    void anomalyDetectionNamesTheFirstOperationThatOverflowed() {
        Trainer trainer = divergingRun();
        Dataset regression = divergingData();
        try (var detect = backprop.autograd.AnomalyMode.enabled()) {
            assertThatThrownBy(() -> trainer.fit(regression, null))
                    .isInstanceOf(DivergenceException.class)
                    .hasMessageMatching("training diverged at epoch 1, step \\d+: operation '\\w+' produced a NaN or an infinity .*");
        }
    }

    private static float[] toFloat(int[] labels, float scale) {
        float[] out = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = labels[i] * scale;
        }
        return out;
    }
}
