package backprop.tensor;

import java.util.Arrays;

/** Shape arithmetic: sizes, strides, NumPy broadcasting, and shapes in messages. */
public final class Shapes {
    private Shapes() {}

    /**
     * {@return the number of elements of a tensor of this shape (1 for a scalar)}
     *
     * @param shape the dimensions, each at least 0
     * @throws IllegalArgumentException if the product exceeds {@code Integer.MAX_VALUE}
     */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape " + format(shape) + " has more than 2^31 - 1 elements");
        }
        return (int) n;
    }

    /** Row-major strides; 0 where a dimension has size 1, so that broadcasting reads the same element. */
    static int[] broadcastStrides(int[] shape, int[] outShape) {
        int[] strides = new int[outShape.length];
        int stride = 1;
        for (int i = shape.length - 1, o = outShape.length - 1; i >= 0; i--, o--) {
            strides[o] = shape[i] == 1 ? 0 : stride;
            stride *= shape[i];
        }
        return strides;
    }

    /**
     * The shape NumPy broadcasting gives two operands: dimensions aligned from the right,
     * each pair equal or one of them 1.
     *
     * @param op the operation, named in the message
     * @param a one operand's shape
     * @param b the other's
     * @return a new array, as long as the longer of the two
     * @throws ShapeMismatchException when a pair is neither equal nor contains a 1
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException("%s: shapes %s and %s do not broadcast (%d vs %d in dimension %d)"
                        .formatted(op, format(a), format(b), da, db, i));
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /**
     * {@return the shape as messages show it: {@code [2, 3]}; a scalar is {@code []}}
     *
     * @param shape the dimensions
     */
    public static String format(int[] shape) {

        return Arrays.toString(shape);
    }
}
