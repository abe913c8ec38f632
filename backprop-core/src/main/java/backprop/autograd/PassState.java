package backprop.autograd;

import backprop.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping of one backward pass: the graph's tensors in order, how many operation inputs
 * each is, and the gradients on their way to them. A training step runs one pass after another,
 * so each thread keeps its tables for the next pass, emptied, instead of allocating them anew.
 */
final class PassState {
    /** A larger graph's tables are left to the collector: clearing them would cost every later small pass. */
    private static final int KEEP = 4096;
    private static final ThreadLocal<PassState> SPARE = new ThreadLocal<>();

    final List<Tensor> order = new ArrayList<>();
    final Map<Tensor, Integer> uses = new IdentityHashMap<>();
    final Map<Tensor, Tensor> pending = new IdentityHashMap<>();
    final ArrayDeque<Tensor> stack = new ArrayDeque<>();
    final ArrayDeque<Integer> nextInput = new ArrayDeque<>();

    /**
     * @return this thread's spare tables, or new ones while they are in use (by a listener that
     *     runs a backward pass of its own)
     */
    static PassState take() {
        PassState spare = SPARE.get();
        if (spare == null) {
            return new PassState();
        }
        SPARE.set(null);
        return spare;
    }

    /** Forgets the pass's tensors and keeps the tables for this thread's next pass, unless the graph was large. */
    void release() {
        if (order.size() > KEEP) {
            return;
        }
        order.clear();
        uses.clear();
        pending.clear();
        stack.clear();
        nextInput.clear();
        SPARE.set(this);
    }
}
