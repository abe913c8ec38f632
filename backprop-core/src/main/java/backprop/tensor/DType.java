package backprop.tensor;

/** The element type of a tensor: float32 for training speed, float64 for exactness. */
public enum DType {
    /** IEEE 754 binary32: half the memory and twice the SIMD width; what training uses. */
    FLOAT32,
    /** IEEE 754 binary64: what gradient checks and the calculator use. */
    FLOAT64;

    /**
     * {@return the type two operands meet in: float64 if either is}
     *
     * @param a one operand's type
     * @param b the other's
     */
    public static DType promote(DType a, DType b) {

        return a == FLOAT64 || b == FLOAT64 ? FLOAT64 : FLOAT32;
    }
}
