package backprop.internal;

import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * The memory behind a {@code backprop.autograd.Workspace}: the arrays that operations take for
 * their results while one of its steps is open on this thread, handed out again, in the same
 * order, by the next step. A training step asks for the same sizes in the same order every time,
 * so after the first step every request finds its array waiting and nothing is allocated.
 *
 * <p>An array is handed out once per step: nothing a step computed is overwritten before the next
 * step begins, and what a step keeps beyond that is the caller's promise to the workspace. A request
 * of another size (an epoch's shorter last batch) replaces the array at its place in the order.
 * Not thread-safe: a step belongs to the thread that opened it.
 */
public final class Arena {
    private static final ThreadLocal<Arena> ACTIVE = new ThreadLocal<>();

    private final Pool<float[]> floatPool = new Pool<>(float[]::new, a -> a.length);
    private final Pool<double[]> doublePool = new Pool<>(double[]::new, a -> a.length);
    private final Pool<int[]> intPool = new Pool<>(int[]::new, a -> a.length);

    /**
     * @return the arena of the step open on this thread, or null when none is
     */
    public static Arena active() {
        return ACTIVE.get();
    }

    /**
     * Makes this arena the one this thread's operations take from, starting over at its first
     * array: everything the previous step was given may now be overwritten.
     *
     * @return the arena that was active before, for {@link #restore}
     */
    public Arena begin() {
        floatPool.next = 0;
        doublePool.next = 0;
        intPool.next = 0;
        Arena previous = ACTIVE.get();
        ACTIVE.set(this);
        return previous;
    }

    /**
     * Ends a step on this thread: {@code previous} (from {@link #begin}) is active again.
     *
     * @param previous the arena to reactivate, or null for none
     */
    public static void restore(Arena previous) {
        if (previous == null) {
            ACTIVE.remove();
        } else {
            ACTIVE.set(previous);
        }
    }

    /**
     * @param n the length
     * @return an array of {@code n} floats whose contents are left over: the caller writes every element
     */
    public static float[] floats(int n) {
        Arena arena = ACTIVE.get();
        return arena == null ? new float[n] : arena.floatPool.take(n);
    }

    /**
     * @param n the length
     * @return an array of {@code n} doubles whose contents are left over: the caller writes every element
     */
    public static double[] doubles(int n) {
        Arena arena = ACTIVE.get();
        return arena == null ? new double[n] : arena.doublePool.take(n);
    }

    /**
     * @param n the length
     * @return an array of {@code n} ints whose contents are left over: the caller writes every element
     */
    public static int[] ints(int n) {
        Arena arena = ACTIVE.get();
        return arena == null ? new int[n] : arena.intPool.take(n);
    }

    /**
     * @param n the length
     * @return an array of {@code n} zeros, for a result that is accumulated into
     */
    public static float[] zeroFloats(int n) {
        float[] a = floats(n);
        Arrays.fill(a, 0f);   // a new array's zeros too: one pass, for one path
        return a;
    }

    /**
     * @param n the length
     * @return an array of {@code n} zeros, for a result that is accumulated into
     */
    public static double[] zeroDoubles(int n) {
        double[] a = doubles(n);
        Arrays.fill(a, 0.0);
        return a;
    }

    /** The arrays of one element type, in the order a step asks for them. */
    private static final class Pool<A> {
        private final IntFunction<A> allocate;
        private final ToIntFunction<A> length;
        private Object[] arrays = new Object[8];
        private int next;

        Pool(IntFunction<A> allocate, ToIntFunction<A> length) {
            this.allocate = allocate;
            this.length = length;
        }

        @SuppressWarnings("unchecked")
        A take(int n) {
            if (next == arrays.length) {
                arrays = Arrays.copyOf(arrays, 2 * arrays.length);
            }
            A a = (A) arrays[next];
            if (a == null || length.applyAsInt(a) != n) {
                a = allocate.apply(n);
                arrays[next] = a;
            }
            next++;
            return a;
        }
    }
}
