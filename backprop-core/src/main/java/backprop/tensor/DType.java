package backprop.tensor;

/**
 * The element type of a tensor: float32 for training speed, float64 for exactness, int64 for
 * class labels and indices.
 */
public enum DType {
    /** 32-bit floating point: what training runs in. */
    FLOAT32,
    /** 64-bit floating point: what the calculator and gradient checks run in. */
    FLOAT64,
    /**
     * Whole numbers: class labels ({@link Tensor#of(int...)}) and indices ({@link Tensor#argmax(int)}).
     * Held exactly up to 2^53. They never require a gradient, and arithmetic on them yields
     * floating point: float64 between two of them, the other operand's type otherwise.
     */
    INT64;

    /**
     * The type a binary operation computes in.
     *
     * @param a the first operand's type
     * @param b the second operand's type
     * @return float64 if either is float64 or both are int64, else float32
     */
    public static DType promote(DType a, DType b) {
        if (a == FLOAT64 || b == FLOAT64 || (a == INT64 && b == INT64)) {
            return FLOAT64;
        }
        return FLOAT32;
    }

    /**
     * Whether gradients can flow through tensors of this type.
     *
     * @return true for FLOAT32 and FLOAT64, false for INT64
     */
    public boolean isFloatingPoint() {
        return this != INT64;
    }
}
