package backprop.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * docs/scaling.md's exchange measurements: in one barrier stage of one task per slot, the time to
 * sum W1's gradient (235,146 floats, 0.94 MB) over the tasks (a) with what Spark offers between
 * barrier tasks, {@code BarrierTaskContext.allGather} of the gradient as Base64 text (it carries
 * strings, through the driver), and (b) with {@link RingAllReduce}, back to back as training
 * calls it; also one {@code barrier()}, the latency floor of (a). Prints each task's times in
 * milliseconds: medians of the Spark calls (each takes seconds), the ring's mean over its rounds.
 */
final class ExchangeCost {
    static final int W1_PARAMETERS = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10;

    private ExchangeCost() {}

    /** {@code rounds} ring all-reduces; the Spark calls take a hundredth of that (at least 3), each lasting a second or more. */
    static void run(SparkSession spark, int tasks, int rounds) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            slots.add(i);
        }
        List<String> lines = sc.parallelize(slots, tasks).rdd().barrier()
                .mapPartitions(new Measure(rounds), false, ClassTag$.MODULE$.apply(String.class)).toJavaRDD().collect();
        lines.forEach(System.out::println);
    }

    private static final class Measure extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<String>>
            implements java.io.Serializable {
        private final int rounds;

        Measure(int rounds) {
            this.rounds = rounds;
        }

        @Override
        public scala.collection.Iterator<String> apply(scala.collection.Iterator<Integer> ignored) {
            return CollectionConverters.asScala(measure(rounds));
        }
    }

    private static Iterator<String> measure(int rounds) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        float[] gradient = new float[W1_PARAMETERS];
        Arrays.fill(gradient, rank + 0.5f);
        int slowRounds = Math.max(3, rounds / 100);
        double[] barrier = new double[slowRounds];
        double[] allGather = new double[slowRounds];
        double ring;
        for (int r = 0; r < slowRounds; r++) {
            long t0 = System.nanoTime();
            context.barrier();
            barrier[r] = (System.nanoTime() - t0) / 1e6;
        }
        for (int r = 0; r < slowRounds; r++) {
            context.barrier();
            long t0 = System.nanoTime();
            float[] sum = new float[gradient.length];
            for (String text : context.allGather(encode(gradient))) {
                float[] g = decode(text);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += g[i];
                }
            }
            allGather[r] = (System.nanoTime() - t0) / 1e6;
        }
        // the memory all-reduce that training uses when every task is in this JVM
        String local = "";
        String jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        if (Arrays.stream(context.allGather(jvm)).allMatch(jvm::equals)) {
            try (AllReduce all = LocalAllReduce.join("exchange-cost-" + context.stageId() + "-" + context.stageAttemptNumber(), rank,
                    context.getTaskInfos().length, Duration.ofMinutes(1))) {
                float[] v = gradient.clone();
                for (int r = 0; r < 10; r++) {
                    all.sum(v);
                }
                long t0 = System.nanoTime();
                for (int r = 0; r < rounds; r++) {
                    all.sum(v);
                }
                local = "; memory all-reduce (one JVM) %.3f ms (mean of %d)".formatted((System.nanoTime() - t0) / 1e6 / rounds, rounds);
            }
        }
        String executor = context.getTaskInfos()[rank].address();
        try (RingAllReduce.Listener listener = RingAllReduce.listen(executor.substring(0, executor.lastIndexOf(':')), Duration.ofMinutes(1))) {
            List<String> addresses = Arrays.asList(context.allGather(listener.address()));
            try (RingAllReduce all = listener.join(rank, addresses)) {
                float[] v = gradient.clone();
                for (int r = 0; r < 10; r++) {
                    all.sum(v);   // warm-up: the JIT, Netty's buffer pools
                }
                long t0 = System.nanoTime();
                for (int r = 0; r < rounds; r++) {
                    all.sum(v);
                }
                ring = (System.nanoTime() - t0) / 1e6 / rounds;
            }
        }
        return List.of("task %d of %d: barrier() %.2f ms, allGather of 0.94 MB as Base64 + sum %.2f ms (medians of %d); ring all-reduce %.2f ms (mean of %d)%s"
                .formatted(rank, context.getTaskInfos().length, median(barrier), median(allGather), slowRounds, ring, rounds, local)).iterator();
    }

    private static String encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(b.array());
    }

    private static float[] decode(String text) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(v);
        return v;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
