package backprop.spark;

/**
 * A sum all-reduce among the tasks of one barrier stage: every rank calls the same sums in the
 * same order with vectors of the same length, and every rank ends with the same bits. Between
 * JVMs it is a {@link RingAllReduce} over TCP; among tasks that share one JVM (Spark's local
 * mode, or an executor with several task slots holding every rank) a {@link LocalAllReduce}
 * through memory.
 */
interface AllReduce extends AutoCloseable {
    /** Replaces {@code v} by the element-wise sum of every rank's {@code v}. */
    void sum(float[] v);

    /** Replaces {@code v} by the element-wise sum of every rank's {@code v}. */
    void sum(double[] v);

    /** Nanoseconds spent so far blocked for the other ranks (their compute, or the wire), for {@link Profile}. */
    long blockedNanos();

    @Override
    void close();
}
