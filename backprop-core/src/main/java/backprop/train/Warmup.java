package backprop.train;

import backprop.autograd.Workspace;
import backprop.data.Task;
import backprop.nn.Mlp;
import backprop.nn.Module;
import backprop.optim.Optimizer;
import backprop.optim.OptimizerSpec;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains a small throwaway network of the run's kind on random numbers in a background thread,
 * so that the JIT compiles the training step's code while the real data is still being read.
 *
 * <p>Why: the first epoch of a short run used to be several times slower than the rest (the
 * Vector API micro-kernel, for one, is a hundred times slower before C2 has compiled it), and
 * short runs are what users run. Reading the data uses one core; this uses another one that was
 * idle anyway. The throwaway network has the run's activation, optimizer and dtype but at most
 * 64 units per layer, and its own random numbers: the real run's weights, random
 * streams and results do not change, only how soon its code is compiled.
 *
 * <pre>{@code
 * try (Warmup warmup = Warmup.start(architecture, optimizer, dtype)) {
 *     data = load(...);
 * }   // stops the warm-up before training starts
 * }</pre>
 */
public final class Warmup implements AutoCloseable {
    /**
     * The throwaway network's inputs, its widest hidden layer and its batch: products big enough to
     * take the paths the run's will (the micro-kernel's full panels, the natives for a narrow
     * output layer), small enough for a step of well under a millisecond once compiled.
     */
    private static final int INPUTS = 256;
    private static final int WIDTH = 64;
    private static final int BATCH = 64;
    /** An upper bound in case the data takes long to read: by then everything is compiled. */
    private static final int MAX_STEPS = 20_000;

    private final Thread thread;
    private volatile boolean stopped;
    private volatile int steps;

    private Warmup(Mlp architecture, OptimizerSpec optimizer, DType dtype) {
        thread = new Thread(() -> run(architecture, optimizer, dtype), "backprop-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
    }

    /**
     * Starts warming up for a run of this kind.
     *
     * @param architecture the run's network; only its activation, depth, dropout and init are used
     * @param optimizer the run's optimizer
     * @param dtype the run's parameter dtype
     * @return the running warm-up; close it before training
     */
    public static Warmup start(Mlp architecture, OptimizerSpec optimizer, DType dtype) {
        List<Integer> hidden = new ArrayList<>();
        for (int width : architecture.hidden()) {
            hidden.add(Math.min(width, WIDTH));
        }
        Mlp small = new Mlp(INPUTS, hidden, 10, architecture.activation(), architecture.dropout(), architecture.init());
        Warmup warmup = new Warmup(small, optimizer, dtype);
        warmup.thread.start();
        return warmup;
    }

    private void run(Mlp architecture, OptimizerSpec spec, DType dtype) {
        try {
            train(architecture, spec, dtype);
        } catch (RuntimeException e) {
            // best effort: a warm-up that fails has only compiled less; the run reports its own errors
        }
    }

    private void train(Mlp architecture, OptimizerSpec spec, DType dtype) {
        SplittableRandom random = new SplittableRandom(20261204);
        Module network = architecture.build(dtype, random.split(), random.split());
        Optimizer optimizer = spec.create(network.parameters());
        Objective objective = Objective.auto(Task.CLASSIFICATION, 10);
        float[] x = new float[BATCH * INPUTS];
        int[] labels = new int[BATCH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < BATCH; i++) {
            labels[i] = random.nextInt(10);
        }
        Tensor input = Tensor.wrap(x, BATCH, INPUTS);
        float[] targets = new float[BATCH];
        Workspace workspace = new Workspace();   // as the run's steps do: the JIT compiles the paths training takes
        while (!stopped && steps < MAX_STEPS) {
            try (var reuse = workspace.step()) {
                optimizer.zeroGrad();
                Tensor loss = objective.loss(network.forward(input), labels, targets, BATCH);
                loss.backward();
                optimizer.step();
            }
            steps++;
        }
    }

    /** {@return the steps taken so far} */
    public int steps() {
        return steps;
    }

    /** Stops the warm-up and waits for its last step to end, so that it shares no core with training. */
    @Override
    public void close() {
        stopped = true;
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
