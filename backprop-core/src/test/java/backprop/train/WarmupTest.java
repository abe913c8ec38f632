package backprop.train;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.data.DataOptions;
import backprop.data.DataSources;
import backprop.data.LoadedData;
import backprop.data.Split;
import backprop.data.Standardizer;
import backprop.nn.Activation;
import backprop.nn.Mlp;
import backprop.nn.Sequential;
import backprop.optim.OptimizerSpec;
import backprop.tensor.DType;
import backprop.tensor.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WarmupTest {
    private static final Mlp WIDE = new Mlp(1, List.of(4096, 300), 10, Activation.RELU, 0.1);
    private static final OptimizerSpec ADAM = new OptimizerSpec(OptimizerSpec.Kind.ADAM, 1e-3, 0, 0);

    @Test
    void itTrainsUntilClosedAndThenStops() throws InterruptedException {
        Warmup warmup = Warmup.start(WIDE, ADAM, DType.FLOAT32);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (warmup.steps() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        warmup.close();
        int steps = warmup.steps();
        assertThat(steps).as("steps before close").isGreaterThanOrEqualTo(3);
        Thread.sleep(50);
        assertThat(warmup.steps()).as("steps after close").isEqualTo(steps);
    }

    /** It shares nothing with a run: training beside it gives the weights training alone gives. */
    @Test
    void aRunBesideItEndsWithTheSameWeights() {
        LoadedData loaded = DataSources.load("digits", DataOptions.DEFAULTS.withSeed(3));
        Split split = Split.stratified(loaded.train(), 0.2, new SplittableRandom(3));
        Standardizer s = Standardizer.fit(split.train());
        Split data = new Split(s.transform(split.train()), s.transform(split.test()));
        float[][] alone = train(data);
        float[][] beside;
        try (Warmup warmup = Warmup.start(WIDE, ADAM, DType.FLOAT32)) {
            beside = train(data);
        }
        assertThat(beside).isDeepEqualTo(alone);
    }

    private static float[][] train(Split data) {
        Sequential model = new Mlp(64, List.of(128, 64), 10, Activation.RELU, 0.1)
                .build(DType.FLOAT32, new SplittableRandom(7), new SplittableRandom(8));
        new Trainer(model, Objective.CROSS_ENTROPY, ADAM.create(model.parameters()),
                TrainingOptions.DEFAULTS.withEpochs(2).withBatchSize(64).withSeed(7)).fit(data.train(), data.test());
        return model.parameters().stream().map(Parameter::toFloatArray).toArray(float[][]::new);
    }
}
