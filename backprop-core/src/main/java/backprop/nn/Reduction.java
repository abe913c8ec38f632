package backprop.nn;

/** How a loss combines its per-element (or per-row) terms, as PyTorch's {@code reduction=}. */
public enum Reduction {
    /** The terms themselves, one per element (one per row for cross-entropy). */
    NONE,
    /** Their mean over the elements (over the rows for cross-entropy): every loss's default, as in PyTorch. */
    MEAN,
    /** Their sum: the textbook's and the calculator's form. */
    SUM
}
