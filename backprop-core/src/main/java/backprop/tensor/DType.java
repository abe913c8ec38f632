package backprop.tensor;

/** The element type of a tensor: float32 for training speed, float64 for exactness. */
public enum DType {
    FLOAT32,
    FLOAT64;

    /** The type two operands meet in: float64 if either is. */
    public static DType promote(DType a, DType b) {
        return a == FLOAT64 || b == FLOAT64 ? FLOAT64 : FLOAT32;
    }
}
