package backprop.tensor;

import backprop.autograd.Node;
import backprop.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Operations that move elements without arithmetic: reshape, broadcast, its inverse, stack. */
final class Movement {
    private Movement() {}

    static Tensor reshape(Tensor a, int[] shape) {
        Checks.require(Shapes.size(shape) == a.size(),
                "reshape: cannot reshape %s (%d elements) to %s (%d elements)",
                a.shape(), a.size(), shape, Shapes.size(shape));
        Tensor out = new Tensor(a.dtype(), a.f, a.d, shape);   // shares the data: tensors never change
        int[] original = a.shape();
        return Node.record("reshape", out, List.of(a), (i, g) -> g.reshape(original));
    }

    static Tensor expand(Tensor a, int[] target) {
        int[] shape = a.shape();
        Checks.require(Arrays.equals(Shapes.broadcast("expand", shape, target), target),
                "expand: %s does not broadcast to %s", shape, target);
        if (Arrays.equals(shape, target)) {
            return a;
        }
        Tensor out = Elementwise.zip("expand", a, Results.zeros(a.dtype(), target), (x, zero) -> x);
        return Node.record("expand", out, List.of(a), (i, g) -> g.sumTo(shape));
    }

    static Tensor sumTo(Tensor a, int[] target) {
        int[] shape = a.shape();
        if (Arrays.equals(shape, target)) {
            return a;
        }
        Checks.require(Arrays.equals(Shapes.broadcast("sumTo", target, shape), shape),
                "sumTo: %s does not broadcast to %s, so it cannot be summed back to it",
                target, shape);
        Tensor out = Results.zeros(a.dtype(), target);
        int[] strides = Shapes.broadcastStrides(target, shape);
        int[] index = new int[shape.length];
        int o = 0;
        for (int i = 0; i < a.size(); i++) {
            out.setFlat(o, out.getFlat(o) + a.getFlat(i));
            for (int dim = shape.length - 1; dim >= 0; dim--) {   // odometer step
                index[dim]++;
                o += strides[dim];
                if (index[dim] < shape[dim]) {
                    break;
                }
                o -= strides[dim] * shape[dim];
                index[dim] = 0;
            }
        }
        return Node.record("sum_to", out, List.of(a), (i, g) -> g.expand(shape));
    }

    static Tensor stack(List<Tensor> parts) {
        Checks.require(!parts.isEmpty(), "stack: needs at least one tensor");
        int[] partShape = parts.get(0).shape();
        DType dtype = parts.get(0).dtype();
        for (int p = 1; p < parts.size(); p++) {
            if (!Arrays.equals(parts.get(p).shape(), partShape)) {
                throw new ShapeMismatchException("stack: every element must have shape %s like the first; element %d has %s"
                        .formatted(Shapes.format(partShape), p, Shapes.format(parts.get(p).shape())));
            }
            dtype = DType.promote(dtype, parts.get(p).dtype());
        }
        int[] shape = new int[partShape.length + 1];
        shape[0] = parts.size();
        System.arraycopy(partShape, 0, shape, 1, partShape.length);
        Tensor out = Results.zeros(dtype, shape);
        int n = Shapes.size(partShape);
        for (int p = 0; p < parts.size(); p++) {
            for (int j = 0; j < n; j++) {
                out.setFlat(p * n + j, parts.get(p).getFlat(j));
            }
        }
        return Node.record("stack", out, new ArrayList<>(parts), (i, g) -> slice(g, i * n, n, partShape));
    }

    /** {@code n} consecutive elements from {@code start}, as a new tensor of {@code shape}. */
    private static Tensor slice(Tensor g, int start, int n, int[] shape) {
        Tensor out = Results.zeros(g.dtype(), shape);
        for (int j = 0; j < n; j++) {
            out.setFlat(j, g.getFlat(start + j));
        }
        return out;
    }
}
