package backprop.app;

import backprop.InputException;
import backprop.nn.Mlp;
import backprop.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory a training run will need, estimated from its options before anything is allocated,
 * and refused with a message that says how much and which option to change when the JVM's heap
 * cannot hold it: an OutOfMemoryError half-way through building a network helps no one.
 */
public final class MemoryBudget {
    private MemoryBudget() {}

    /**
     * Checks the estimate against {@code Runtime.maxMemory()}.
     *
     * @param architecture the network to be built
     * @param dtype the precision of its weights
     * @param optimizer the optimizer's name, for how many copies of the weights its state keeps
     * @param batchSize rows per step as asked; a batch holds at most {@code trainRows}
     * @param trainRows the training rows
     * @throws InputException if the estimate exceeds the heap, naming the amount and --hidden or --batch-size
     */
    public static void check(Mlp architecture, DType dtype, String optimizer, int batchSize, long trainRows) {
        check(architecture, dtype, optimizer, batchSize, trainRows, Runtime.getRuntime().maxMemory());
    }

    static void check(Mlp architecture, DType dtype, String optimizer, int batchSize, long trainRows, long heap) {
        List<Integer> widths = new ArrayList<>();
        widths.add(architecture.inputs());
        widths.addAll(architecture.hidden());
        widths.add(architecture.outputs());
        double parameters = 0;
        double activations = 0;
        for (int i = 1; i < widths.size(); i++) {
            parameters += (double) widths.get(i - 1) * widths.get(i) + widths.get(i);
            activations += widths.get(i);
        }
        double bytes = dtype == DType.FLOAT64 ? 8 : 4;
        int stateCopies = switch (optimizer) {
            case "sgd" -> 0;
            case "momentum", "nesterov" -> 1;
            default -> 2;   // adam, adamw: two moments
        };
        // weights, gradients, the optimizer's state, and a transient copy when a checkpoint is written
        double model = parameters * bytes * (3 + stateCopies);
        // each layer's output, its gradient, the activation's and dropout's: about four per width, and the input rows
        double rows = Math.min(batchSize, Math.max(1, trainRows));
        double batch = rows * (activations * 4 + widths.get(0) * 2) * bytes;
        double needed = model + batch;
        if (needed <= heap * 0.8) {
            return;
        }
        // the batch is to blame only when one row per batch would fit; else the network itself is too wide
        String option = model + batch / rows <= heap * 0.8 ? "--batch-size" : "--hidden";
        throw new InputException(option + ": the run needs about " + size(needed) + " of memory (" + size(model)
                + " for " + String.format(java.util.Locale.ROOT, "%,.0f", parameters) + " parameters with their gradients and "
                + optimizer + "'s state, " + size(batch) + " for batches of " + String.format(java.util.Locale.ROOT, "%,.0f", rows)
                + " rows); the JVM may use " + size(heap) + "; expected a smaller " + option
                + " (or more heap: BACKPROP_JAVA_OPTS=-Xmx...)");
    }

    static String size(double bytes) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB", "PB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
    }
}
