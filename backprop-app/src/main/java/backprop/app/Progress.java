package backprop.app;

import backprop.train.EpochMetrics;
import backprop.train.History;
import backprop.train.TrainingListener;
import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training as it goes: on a terminal a bar per epoch with the running loss, samples/s and
 * ETA; always one summary line per epoch (the only output when standard error is not a terminal,
 * so logs stay readable).
 */
public final class Progress implements TrainingListener {
    private final PrintWriter err;
    private final boolean classification;
    private final boolean terminal = System.console() != null;
    private int epochs;
    private int steps;
    private ProgressBar bar;
    private double lossSum;
    private long samples;
    private long epochStart;

    public Progress(PrintWriter err, boolean classification) {
        this.err = err;
        this.classification = classification;
    }

    @Override
    public void onStart(int firstEpoch, int epochs, int stepsPerEpoch) {
        this.epochs = epochs;
        this.steps = stepsPerEpoch;
    }

    @Override
    public void afterStep(int epoch, int step, double loss, int batchSize) {
        if (step == 1) {
            lossSum = 0;
            samples = 0;
            epochStart = System.nanoTime();
            if (terminal) {
                bar = new ProgressBarBuilder()
                        .setTaskName("epoch %d/%d".formatted(epoch, epochs))
                        .setInitialMax(steps)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err))
                        .setUpdateIntervalMillis(250)
                        .build();
            }
        }
        lossSum += loss * batchSize;
        samples += batchSize;
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(" loss %.4f %s samples/s".formatted(lossSum / samples, compact(samples / seconds())));
        }
    }

    @Override
    public void afterEpoch(EpochMetrics m, History history) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        String train = classification
                ? "train loss %.4f acc %.4f".formatted(m.trainLoss(), m.trainAccuracy())
                : "train loss %.6g".formatted(m.trainLoss());
        String test = classification
                ? "test loss %.4f acc %.4f".formatted(m.testLoss(), m.testAccuracy())
                : "test loss %.6g rmse %.6g".formatted(m.testLoss(), m.testRmse());
        err.printf("epoch %d/%d  %s  %s  %s samples/s  %.1fs%n", m.epoch(), epochs, train, test,
                compact(m.samples() / Math.max(m.stepSeconds(), 1e-9)), m.seconds());
        err.flush();
    }

    private double seconds() {
        return Math.max((System.nanoTime() - epochStart) / 1e9, 1e-9);
    }

    private static String compact(double perSecond) {
        return perSecond >= 1e6 ? "%.2fM".formatted(perSecond / 1e6)
                : perSecond >= 1e3 ? "%.1fk".formatted(perSecond / 1e3) : "%.0f".formatted(perSecond);
    }
}
