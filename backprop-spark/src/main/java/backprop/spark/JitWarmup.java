package backprop.spark;

import backprop.kernels.Kernels;
import backprop.nn.Activation;
import backprop.nn.Init;
import backprop.nn.Mlp;
import backprop.optim.OptimizerSpec;
import backprop.tensor.DType;
import backprop.train.Warmup;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Core's JIT {@link Warmup} (what {@code backprop train} runs while it reads the data) in the JVMs
 * that will train: started in every executor, or in the driver's own JVM in local mode, while the
 * driver reads the data and ships the rows, and stopped by each barrier task as it starts, so that
 * it never shares a core with training. Without it the first epoch of W1 took 4 s on {@code
 * local[2]} against 1 s for the later ones: the tasks' step ran interpreted and C1-compiled code
 * for most of it, while {@code backprop train}'s first epoch was already compiled.
 *
 * <p>Best effort, as core's: a warm-up that never starts or fails only leaves the code to be
 * compiled during the first steps. A warm-up that no barrier task stops ends by itself after
 * {@link Warmup}'s bound on its steps.
 */
final class JitWarmup implements Serializable {
    private static final long serialVersionUID = 1L;

    /** This JVM's warm-up, or null. */
    private static Warmup running;

    private final ArrayList<Integer> hidden;
    private final Activation activation;
    private final double dropout;
    private final Init init;
    private final OptimizerSpec.Kind kind;
    private final double learningRate;
    private final double momentum;
    private final double weightDecay;

    /** The warm-up for training {@code architecture} with {@code optimizer} (core's records do not travel; their values do). */
    JitWarmup(Mlp architecture, OptimizerSpec optimizer) {
        this.hidden = new ArrayList<>(architecture.hidden());
        this.activation = architecture.activation();
        this.dropout = architecture.dropout();
        this.init = architecture.init();
        this.kind = optimizer.kind();
        this.learningRate = optimizer.learningRate();
        this.momentum = optimizer.momentum();
        this.weightDecay = optimizer.weightDecay();
    }

    /**
     * Starts the warm-up where the barrier tasks will run, without waiting for it: in this JVM in
     * local mode, else through a short task in every task slot, each starting it in its
     * executor's JVM (once per JVM) and returning at once. The tasks are a barrier job's, which
     * Spark starts all at once, one per slot: the short tasks of a plain job may all land on the
     * executor that was free first (in a trial run both of a two-worker cluster's did).
     */
    void startWhereTasksRun(JavaSparkContext sc, boolean synchronous) {
        int threads = SparkData.threadsPerTask(sc, synchronous);
        if (sc.isLocal()) {
            startHere(threads);
            return;
        }
        int slots = SparkData.tasks(sc, synchronous);
        sc.setJobDescription("backprop: compiling the training step's code on the executors while the driver reads the data");
        try {
            sc.parallelize(IntStream.range(0, slots).boxed().toList(), slots).rdd().barrier()
                    .mapPartitions(new OnSlot(this, threads), false, ClassTag$.MODULE$.apply(Object.class))
                    .toJavaRDD().countAsync();
        } finally {
            sc.setJobDescription(null);
        }
    }

    /** Starts this JVM's warm-up with the kernels' threads a task will use, unless one runs already. */
    private void startHere(int threads) {
        synchronized (JitWarmup.class) {
            if (running != null) {
                return;
            }
            // the products take the paths of the thread count the tasks will set
            Kernels.get().setThreads(threads);
            Mlp small = new Mlp(1, List.copyOf(hidden), 10, activation, dropout, init);
            running = Warmup.start(small, new OptimizerSpec(kind, learningRate, momentum, weightDecay), DType.FLOAT32);
        }
    }

    /** A slot's task: starts the warm-up in its JVM. */
    private static final class OnSlot extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<Object>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final JitWarmup warmup;
        private final int threads;

        OnSlot(JitWarmup warmup, int threads) {
            this.warmup = warmup;
            this.threads = threads;
        }

        @Override
        public scala.collection.Iterator<Object> apply(scala.collection.Iterator<Integer> slot) {
            warmup.startHere(threads);
            return CollectionConverters.asScala(Collections.emptyIterator());
        }
    }

    /** Stops this JVM's warm-up, if any, and waits for its last step: a barrier task calls it before it trains. */
    static void stopHere() {
        Warmup w;
        synchronized (JitWarmup.class) {
            w = running;
            running = null;
        }
        if (w != null) {
            w.close();
        }
    }
}
