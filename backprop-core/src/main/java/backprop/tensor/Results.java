package backprop.tensor;

import backprop.internal.Arena;

/**
 * Storage for operations' results: from the workspace step open on this thread
 * ({@link backprop.autograd.Workspace}), if any, else new. Only results go here; the public
 * factories always allocate, since what a caller makes lives as long as the caller wants.
 */
final class Results {
    private Results() {}

    /** A result whose every element the operation writes: the contents are left over from an earlier step. */
    static Tensor uninitialized(DType dtype, int... shape) {
        int n = Shapes.size(shape);
        return dtype == DType.FLOAT32
                ? new Tensor(Arena.floats(n), shape)
                : new Tensor(dtype, null, Arena.doubles(n), shape);
    }

    /** A result of zeros, for an operation that accumulates into it. */
    static Tensor zeros(DType dtype, int... shape) {
        int n = Shapes.size(shape);
        return dtype == DType.FLOAT32
                ? new Tensor(Arena.zeroFloats(n), shape)
                : new Tensor(dtype, null, Arena.zeroDoubles(n), shape);
    }
}
