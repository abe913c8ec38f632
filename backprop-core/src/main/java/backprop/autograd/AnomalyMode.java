package backprop.autograd;

/**
 * Anomaly detection, per thread, as PyTorch's {@code detect_anomaly}: while enabled, every
 * recorded operation checks that it did not turn finite inputs into a NaN or an infinity, and
 * every backward rule that it did not turn a finite gradient into one, and throws
 * {@link AnomalyException} naming the operation. Costs a pass over every result; off by default.
 */
public final class AnomalyMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {false});

    private AnomalyMode() {}

    /**
     * @return whether operations on this thread currently check their results
     */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /**
     * Detects anomalies on this thread until the returned scope is closed, which restores the
     * previous setting (scopes nest).
     *
     * @return the scope, for try-with-resources
     */

    public static GradMode.Scope enabled() {
        boolean[] state = ENABLED.get();
        boolean previous = state[0];
        state[0] = true;
        return () -> state[0] = previous;
    }
}
