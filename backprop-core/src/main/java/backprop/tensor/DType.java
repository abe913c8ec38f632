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
     * The floating-point type two operands meet in: float64 if either is float64 or both are int64.
     *
     * @param a one operand's type, not null
     * @param b the other operand's type, not null
     * @return {@link #FLOAT32} or {@link #FLOAT64}, never {@link #INT64}; symmetric in its operands
     */
    public static DType promote(DType a, DType b) {
        if (a == FLOAT64 || b == FLOAT64 || (a == INT64 && b == INT64)) {
            return FLOAT64;
        }
        return FLOAT32;
    }

    /** {@return true for the floating-point types, the ones gradients flow through} */
    public boolean isFloatingPoint() {
        return this != INT64;
    }
}
