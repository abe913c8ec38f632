package backprop.spark;

import java.io.Serializable;
import java.lang.management.ManagementFactory;

/**
 * Where a task's time went, in nanoseconds, summed over the steps it took: what docs/scaling.md's
 * profile reports, and what {@code -Dbackprop.spark.profile=true} prints on the driver per epoch.
 */
final class Profile implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Gathering the task's rows of a batch into the step's input. */
    long gather;
    /** Forward and backward passes. */
    long compute;
    /** The all-reduce calls, {@link #waiting} included. */
    long allReduce;
    /** Inside the all-reduce, blocked for a neighbour's data (its compute, or the wire). */
    long waiting;
    /** Scaling the summed gradient and the optimizer's step. */
    long update;
    /** The steps taken. */
    long steps;
    /** Bytes the task's thread allocated over the epoch (-1 where the JVM does not count them). */
    long allocated;

    /** The profile in {@code numbers} from {@code at} on, in the order of the fields. */
    static Profile of(double[] numbers, int at) {
        Profile p = new Profile();
        p.gather = (long) numbers[at];
        p.compute = (long) numbers[at + 1];
        p.allReduce = (long) numbers[at + 2];
        p.waiting = (long) numbers[at + 3];
        p.update = (long) numbers[at + 4];
        p.steps = (long) numbers[at + 5];
        p.allocated = (long) numbers[at + 6];
        return p;
    }

    /** Per step and task, in milliseconds: {@code tasks} tasks' sums, each task taking every step. */
    String perStep(int tasks) {
        double ms = Math.max(1, steps) * 1e6;
        return "per step and task (mean of %d tasks): gather %.3f ms, compute %.3f ms, all-reduce %.3f ms (of it blocked %.3f ms), update %.3f ms, allocated %.0f KB"
                .formatted(tasks, gather / ms, compute / ms, allReduce / ms, waiting / ms, update / ms,
                        allocated / 1024.0 / Math.max(1, steps));
    }

    /** Bytes this thread has allocated so far, or -1 where the JVM does not count them. */
    static long allocatedByThisThread() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                ? t.getCurrentThreadAllocatedBytes() : -1;
    }

    /** Whether the driver prints profiles ({@code -Dbackprop.spark.profile=true}). */
    static boolean enabled() {
        return Boolean.getBoolean("backprop.spark.profile");
    }
}
