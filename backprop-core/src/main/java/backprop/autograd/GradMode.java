package backprop.autograd;

/**
 * Whether operations are recorded for backpropagation, per thread. Changed only through a
 * scope that restores the previous state when closed, so scopes nest:
 * <pre>{@code
 * try (var noGrad = GradMode.disabled()) {
 *     Tensor logits = model.forward(x);   // nothing is recorded
 * }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    /**
     * @return whether operations on this thread are recorded (true unless a disabled scope is open)
     */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /**
     * Stops recording on this thread until the returned scope is closed.
     *
     * @return the scope; closing it restores the previous state
     */
    public static Scope disabled() {
        return set(false);
    }

    /**
     * Records on this thread until the returned scope is closed (inside a disabled scope, say).
     *
     * @return the scope; closing it restores the previous state
     */
    public static Scope enabled() {
        return set(true);
    }

    private static Scope set(boolean value) {
        boolean[] state = ENABLED.get();
        boolean previous = state[0];
        state[0] = value;
        return () -> state[0] = previous;
    }

    /** A scope whose {@code close()} throws nothing. */
    public interface Scope extends AutoCloseable {
        /** Restores the state that was current when this scope was opened. */
        @Override
        void close();

    }
}
