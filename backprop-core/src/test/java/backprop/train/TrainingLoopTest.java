package backprop.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.autograd.AnomalyException;
import backprop.data.Dataset;
import backprop.nn.Linear;
import backprop.nn.Module;
import backprop.optim.Schedule;
import backprop.optim.Sgd;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The epoch loop with steps plugged in: what a step is handed, and what the loop does with what it returns. */
class TrainingLoopTest {
    private static final int ROWS = 50;
    private static final TrainingOptions OPTIONS = new TrainingOptions(3, 8, 7, Schedule.cosine(21, 0));

    /** Row i has the one feature i, so a model sees which rows it was given. */
    private static final Dataset NUMBERED = Dataset.regression(
            floats(IntStream.range(0, ROWS).toArray()), 1, new float[ROWS], Dataset.defaultFeatureNames(1));

    /** A linear model that writes down the rows of every batch it is run on. */
    private static final class Recorder extends Module {
        final Linear linear = child("linear", new Linear(1, 1));
        final List<int[]> batches = new ArrayList<>();

        @Override
        public Tensor forward(Tensor input) {
            float[] x = input.toFloatArray();
            batches.add(IntStream.range(0, x.length).map(i -> (int) x[i]).toArray());
            return linear.forward(input);
        }
    }

    private static TrainingLoop loop(TrainingOptions options) {
        Recorder model = new Recorder();
        return new TrainingLoop(model, Objective.MSE, new Sgd(model.parameters(), 0.5), options);
    }

    /** A step that learns nothing and reports a loss of {@code 1 / global step}. */
    private static StepResult nothingLearned(List<Batch> batches) {
        return new StepResult(1.0 / (1 + batches.get(0).globalStep()), 0, batches.stream().mapToInt(Batch::size).sum());
    }

    /** {@code step} given {@code k} batches at a time. */
    private static TrainingStep taking(int k, TrainingStep step) {
        return new TrainingStep() {
            @Override
            public int batchesPerStep() {
                return k;
            }

            @Override
            public StepResult step(List<Batch> batches) {
                return step.step(batches);
            }
        };
    }

    @Test
    void aPluggedInStepSeesTheBatchesOfTheLocalTrainerInTheirOrder() {
        Recorder local = new Recorder();
        new Trainer(local, Objective.MSE, new Sgd(local.parameters(), 1e-6), OPTIONS).fit(NUMBERED, null);

        List<int[]> seen = new ArrayList<>();
        loop(OPTIONS).run(batches -> {
            seen.add(batches.get(0).rows());
            return nothingLearned(batches);
        }, ROWS, null, new History(), List.of());

        assertThat(seen).hasSize(3 * 7).containsExactlyElementsOf(local.batches);
        // every epoch is a permutation of the rows, and the epochs' orders differ
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] rows = seen.subList(7 * epoch, 7 * epoch + 7).stream().flatMapToInt(Arrays::stream).sorted().toArray();
            assertThat(rows).isEqualTo(IntStream.range(0, ROWS).toArray());
        }
        assertThat(seen.get(0)).isNotEqualTo(seen.get(7));
    }

    @Test
    void aStepOfSeveralBatchesGetsConsecutiveOnesAtTheirScheduledRates() {
        List<int[]> single = new ArrayList<>();
        loop(OPTIONS).run(batches -> {
            single.add(batches.get(0).rows());
            return nothingLearned(batches);
        }, ROWS, null, new History(), List.of());

        List<int[]> grouped = new ArrayList<>();
        List<Integer> groupSizes = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        loop(OPTIONS).run(taking(3, batches -> {
            groupSizes.add(batches.size());
            for (Batch b : batches) {
                grouped.add(b.rows());
                steps.add(b.step());
                assertThat(b.learningRate()).isEqualTo(OPTIONS.schedule().rate(0.5, b.globalStep()));
            }
            return nothingLearned(batches);
        }), ROWS, null, new History(), List.of());

        assertThat(grouped).containsExactlyElementsOf(single);
        assertThat(groupSizes).containsExactly(3, 3, 1, 3, 3, 1, 3, 3, 1);
        assertThat(steps.subList(0, 7)).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void theOptimizerHasTheScheduledRateOfTheStep() {
        Recorder model = new Recorder();
        Sgd sgd = new Sgd(model.parameters(), 0.5);
        List<Double> rates = new ArrayList<>();
        new TrainingLoop(model, Objective.MSE, sgd, OPTIONS).run(batches -> {
            rates.add(sgd.learningRate());
            assertThat(sgd.learningRate()).isEqualTo(batches.get(0).learningRate());
            return nothingLearned(batches);
        }, ROWS, null, new History(), List.of());
        assertThat(rates).hasSize(21).first().isEqualTo(0.5);
        assertThat(rates.get(20)).isLessThan(0.01);
    }

    /** Records what listeners hear. */
    private static final class Log implements TrainingListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onStart(int firstEpoch, int epochs, int stepsPerEpoch) {
            events.add("start " + firstEpoch + "/" + epochs + " x" + stepsPerEpoch);
        }

        @Override
        public void afterStep(int epoch, int step, double loss, int batchSize) {
            events.add("step " + epoch + "." + step + " " + batchSize);
        }

        @Override
        public void afterEpoch(EpochMetrics metrics, History history) {
            events.add("epoch " + metrics.epoch() + " of " + history.epochs().size());
        }
    }

    @Test
    void listenersHearOfEveryBatchAndEpochAlsoWhenAStepTakesSeveral() {
        Log log = new Log();
        History h = loop(OPTIONS.withEpochs(1)).run(taking(2, TrainingLoopTest::nothingLearned), ROWS, null, new History(), List.of(log));
        assertThat(log.events).containsExactly("start 1/1 x7", "step 1.1 8", "step 1.2 8", "step 1.3 8", "step 1.4 8",
                "step 1.5 8", "step 1.6 8", "step 1.7 2", "epoch 1 of 1");
        assertThat(h.last().samples()).isEqualTo(ROWS);
        // the epoch's loss is the rows' mean: steps of 16, 16, 16 and 2 rows at losses 1, 1/3, 1/5, 1/7
        assertThat(h.last().trainLoss()).isCloseTo((16 * (1 + 1 / 3.0 + 1 / 5.0) + 2 / 7.0) / ROWS, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(h.last().trainAccuracy()).isNaN();
    }

    @Test
    void aResumedRunStartsAfterThePreviousEpochsWithTheirBatches() {
        List<int[]> whole = new ArrayList<>();
        History first = loop(OPTIONS).run(batches -> {
            whole.add(batches.get(0).rows());
            return nothingLearned(batches);
        }, ROWS, null, new History(), List.of());

        Log log = new Log();
        List<int[]> resumed = new ArrayList<>();
        History previous = new History(first.epochs().subList(0, 1));
        History h = loop(OPTIONS).run(batches -> {
            resumed.add(batches.get(0).rows());
            return nothingLearned(batches);
        }, ROWS, null, previous, List.of(log));
        assertThat(resumed).containsExactlyElementsOf(whole.subList(7, 21));
        assertThat(log.events.get(0)).isEqualTo("start 2/3 x7");
        assertThat(h.epochs()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
    }

    @Test
    void earlyStoppingEndsTheRunWhenTheTestLossStopsFalling() {
        double[] testLosses = {0.5, 0.4, 0.45, 0.41, 0.3, 0.2};
        int[] epoch = {0};
        History h = loop(OPTIONS.withEpochs(6)).run(TrainingLoopTest::nothingLearned, ROWS,
                () -> new Evaluation(testLosses[epoch[0]++], Double.NaN, new int[0][0], 1, 10), new History(),
                List.of(new EarlyStopping(2, 0)));
        assertThat(h.epochs()).extracting(EpochMetrics::testLoss).containsExactly(0.5, 0.4, 0.45, 0.41);
        assertThat(h.last().testRmse()).isEqualTo(1);
    }

    @Test
    void aNonFiniteLossStopsTheRunNamingEpochStepAndRate() {
        TrainingLoop loop = loop(OPTIONS);
        assertThatThrownBy(() -> loop.run(batches -> batches.get(0).globalStep() == 9
                ? new StepResult(Double.POSITIVE_INFINITY, 0, 8) : nothingLearned(batches), ROWS, null, new History(), List.of()))
                .isInstanceOfSatisfying(DivergenceException.class, e -> {
                    assertThat(e.epoch()).isEqualTo(2);
                    assertThat(e.step()).isEqualTo(3);
                })
                .hasMessage("training diverged: the loss became Infinity at epoch 2, step 3 (learning rate %s); lower the learning rate, or find the operation with anomaly detection",
                        OPTIONS.schedule().rate(0.5, 9));
    }

    @Test
    void anAnomalyInAStepIsADivergenceNamingTheOperation() {
        TrainingLoop loop = loop(OPTIONS);
        assertThatThrownBy(() -> loop.run(batches -> {
            throw new AnomalyException("exp", "operation 'exp' produced an infinity");
        }, ROWS, null, new History(), List.of()))
                .isInstanceOf(DivergenceException.class)
                .hasMessage("training diverged at epoch 1, step 1: operation 'exp' produced an infinity");
    }

    private static float[] floats(int[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
