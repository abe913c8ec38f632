package backprop.spark;

/**
 * How a rank waits for the others in an all-reduce: it spins for a moment, then sleeps. A thread
 * put to sleep takes long to run again on a loaded machine, and in a VM, whose idle virtual core
 * the host must wake: on {@code local[2]} at load 7 a rank woken by the last one to arrive ran
 * again 1.2-2.9 ms later, most of what the profile had counted as waiting for the other rank's
 * compute. A rank that arrives within the spin goes on within microseconds. The spin is bounded,
 * as core's compute threads bound theirs (the same 100 us), so that a rank waiting longer gives
 * its core back to the rank it waits for and to other processes. (Yielding for up to 2-5 ms
 * instead of sleeping was tried on {@code local[2]}: at load 6-9 the runs' spread, 15k to 50k
 * samples/s for the same policy, hid any difference; docs/scaling.md.)
 */
final class Patience {
    private static final long SPIN_NANOS = 100_000;

    private Patience() {}

    /**
     * Spins once, when the wait that began at {@code since} is still short enough for that;
     * returns false when the caller should sleep instead.
     */
    static boolean stayAwake(long since) {
        if (System.nanoTime() - since < SPIN_NANOS) {
            Thread.onSpinWait();
            return true;
        }
        return false;
    }
}
