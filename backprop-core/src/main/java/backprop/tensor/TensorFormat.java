package backprop.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tensors printed as PyTorch prints them, so that output copied from either reads the same:
 * one number format for the whole tensor (fixed with 4 decimals, or scientific when the
 * magnitudes call for it), right-aligned columns, nested brackets indented under the first.
 */
final class TensorFormat {
    private static final int SUMMARIZE_ABOVE = 1000;   // PyTorch's threshold
    private static final int EDGE = 3;                 // elements shown at each end of a summarized axis

    private TensorFormat() {}

    static String format(Tensor t) {
        boolean summarize = t.size() > SUMMARIZE_ABOVE;
        List<Double> shown = new ArrayList<>();
        collect(t, 0, 0, summarize, shown);
        String pattern = pattern(t.dtype(), shown);
        int width = 0;
        for (double v : shown) {
            width = Math.max(width, number(pattern, v).length());
        }
        StringBuilder s = new StringBuilder("tensor(");
        if (t.rank() == 0) {
            s.append(number(pattern, t.getFlat(0)));
        } else {
            append(s, t, 0, 0, summarize, pattern, width, "tensor(".length());
        }
        if (t.dtype() != DType.FLOAT32) {
            s.append(", dtype=").append(t.dtype().name().toLowerCase(Locale.ROOT));
        }
        if (t.origin() != null) {
            s.append(", grad_fn=<").append(t.origin().op()).append('>');
        } else if (t.requiresGrad()) {
            s.append(", requires_grad=true");
        }
        return s.append(')').toString();
    }

    private static String pattern(DType dtype, List<Double> values) {
        if (dtype == DType.INT64) {
            return "%.0f";
        }
        double largest = 0;
        double smallest = Double.POSITIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v) && v != 0) {
                largest = Math.max(largest, Math.abs(v));
                smallest = Math.min(smallest, Math.abs(v));
            }
        }
        boolean scientific = largest >= 1e8 || (largest > 0 && (smallest < 1e-4 || largest / smallest > 1000));
        return scientific ? "%.4e" : "%.4f";
    }

    private static String number(String pattern, double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, pattern, v);
    }

    /** The elements that will be printed, for the common format and width. */
    private static void collect(Tensor t, int axis, int offset, boolean summarize, List<Double> out) {
        if (axis == t.rank()) {
            out.add(t.getFlat(offset));
            return;
        }
        int stride = stride(t, axis);
        for (int i : indices(t.dim(axis), summarize)) {
            collect(t, axis + 1, offset + i * stride, summarize, out);
        }
    }

    private static void append(StringBuilder s, Tensor t, int axis, int offset, boolean summarize, String pattern,
                               int width, int indent) {
        s.append('[');
        int stride = stride(t, axis);
        int n = t.dim(axis);
        boolean last = axis == t.rank() - 1;
        int previous = -1;
        for (int i : indices(n, summarize)) {
            if (previous >= 0) {
                s.append(',');
                if (last) {
                    s.append(' ');
                } else {
                    s.append("\n".repeat(t.rank() - 1 - axis)).append(" ".repeat(indent + axis + 1));
                }
            }
            if (previous >= 0 && i != previous + 1) {
                s.append("...,").append(last ? " " : "\n" + " ".repeat(indent + axis + 1));
            }
            if (last) {
                String v = number(pattern, t.getFlat(offset + i));
                s.append(" ".repeat(width - v.length())).append(v);
            } else {
                append(s, t, axis + 1, offset + i * stride, summarize, pattern, width, indent);
            }
            previous = i;
        }
        s.append(']');
    }

    private static int stride(Tensor t, int axis) {
        int stride = 1;
        for (int a = axis + 1; a < t.rank(); a++) {
            stride *= t.dim(a);
        }
        return stride;
    }

    private static int[] indices(int n, boolean summarize) {
        if (!summarize || n <= 2 * EDGE) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        return new int[] {0, 1, 2, n - 3, n - 2, n - 1};
    }
}
