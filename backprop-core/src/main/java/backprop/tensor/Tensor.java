package backprop.tensor;

import backprop.autograd.Backward;
import backprop.autograd.Node;
import backprop.internal.Arena;
import backprop.internal.Checks;
import backprop.internal.TensorHooks;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * An n-dimensional array of float32 or float64 numbers, stored contiguously in row-major order
 * on the Java heap, that can remember how it was computed so that gradients flow back to it.
 *
 * <p>Shape and dtype never change, and every operation returns a new tensor. Binary operations
 * broadcast as NumPy does and meet in float64 when either operand is float64. Leaves that want a
 * gradient say so with {@link #requiresGrad(boolean)}; {@link #backward()} then fills their
 * {@link #grad()}.
 *
 * <p>Below, "the broadcast shape" is that of NumPy's rules and "the promoted dtype" is
 * {@link DType#promote}; "this dtype" reads float64 for an INT64 tensor, as arithmetic on whole
 * numbers yields floating point. Operations are differentiable unless they say otherwise; operands
 * whose shapes do not combine are a {@link ShapeMismatchException}.
 */
public sealed class Tensor permits Parameter {
    private final DType dtype;
    private final int[] shape;
    final float[] f;      // the data when dtype is FLOAT32, else null
    final double[] d;     // the data when dtype is FLOAT64, else null

    private boolean requiresGrad;
    private boolean retainsGrad;
    private Node origin;
    private Tensor grad;
    private Tensor ownGrad;   // storage for grad that only this tensor hands out: see Workspace

    Tensor(float[] data, int[] shape) {
        this(DType.FLOAT32, data, null, shape);
    }

    Tensor(double[] data, int[] shape) {
        this(DType.FLOAT64, null, data, shape);
    }

    /** The one constructor that checks: float32 data in {@code f}, float64 and int64 data in {@code d}. */
    Tensor(DType dtype, float[] f, double[] d, int[] shape) {
        for (int dim : shape) {
            if (dim < 0) {   // a plain test: every operation's result passes here
                throw new IllegalArgumentException("tensor: dimensions must be >= 0; got shape " + Shapes.format(shape));
            }
        }
        int length = f != null ? f.length : d.length;
        if (Shapes.size(shape) != length) {   // not Checks.require: its boxed arguments cost every result 64 bytes
            Checks.require(false, "tensor: shape %s needs %d values; got %d", shape, Shapes.size(shape), length);
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.f = f;
        this.d = d;
    }

    /** A tensor of the same dtype, shape and data (not copied): for {@link Parameter}. */
    Tensor(Tensor data) {
        this(data.dtype, data.f, data.d, data.shape);
    }

    private static volatile DType defaultDType = DType.FLOAT32;

    /**
     * The floating-point type of tensors and layers made without one ({@link #of(double[][])},
     * {@code new Linear(4, 16)}): float32 unless changed, as {@code torch.get_default_dtype()}.
     *
     * @return {@link DType#FLOAT32} or {@link DType#FLOAT64}, never INT64
     */
    public static DType defaultDType() {
        return defaultDType;
    }

    /**
     * Sets {@link #defaultDType()} for everything made after, in every thread, as
     * {@code torch.set_default_dtype}: float64 for exact comparisons, float32 for speed.
     *
     * @param dtype FLOAT32 or FLOAT64; tensors and layers that exist keep theirs
     * @throws IllegalArgumentException for INT64
     */
    public static void setDefaultDType(DType dtype) {
        Checks.require(dtype.isFloatingPoint(), "setDefaultDType: needs FLOAT32 or FLOAT64; got %s", dtype);
        defaultDType = dtype;
    }

    // ---- Factories ----------------------------------------------------------------------

    /**
     * {@return a new float64 scalar (shape {@code []})}
     *
     * @param value the element; NaN and the infinities included
     */
    public static Tensor scalar(double value) {
        return new Tensor(new double[] {value}, new int[0]);
    }

    /**
     * {@return a new float64 vector of {@code values.length} elements}
     *
     * @param values the elements, copied; may be empty
     */
    public static Tensor vector(double... values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    /**
     * A float64 matrix from its rows, which must all have the same length.
     *
     * @param rows at least one row, each as long as the first; copied
     * @return a new tensor of shape [{@code rows.length}, {@code rows[0].length}]
     * @throws IllegalArgumentException for no rows or rows of different lengths
     */
    public static Tensor matrix(double[][] rows) {
        return of(DType.FLOAT64, rows);
    }

    /**
     * A float32 matrix from its rows, which must all have the same length.
     *
     * @param rows at least one row, each as long as the first; copied
     * @return a new tensor of shape [{@code rows.length}, {@code rows[0].length}]
     * @throws IllegalArgumentException for no rows or rows of different lengths
     */
    public static Tensor matrix(float[][] rows) {
        Checks.require(rows.length > 0, "matrix: needs at least one row");
        int cols = rows[0].length;
        float[] data = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            Checks.require(rows[r].length == cols,
                    "matrix: every row must have %d values like row 0; row %d has %d", cols, r, rows[r].length);
            System.arraycopy(rows[r], 0, data, r * cols, cols);
        }
        return new Tensor(data, new int[] {rows.length, cols});
    }

    /**
     * A tensor of the given dtype holding a copy of {@code values} (row-major) in the given shape.
     *
     * @param dtype the element type; FLOAT32 rounds each value to the nearest float
     * @param values the elements in row-major order
     * @param shape the dimensions, each &gt;= 0; none for a scalar
     * @return a new tensor that shares nothing with {@code values}
     * @throws IllegalArgumentException if the shape does not hold exactly {@code values.length}
     *     values, or if {@code dtype} is INT64 and a value is not a whole number
     */
    public static Tensor of(DType dtype, double[] values, int... shape) {
        Checks.require(Shapes.size(shape) == values.length,
                "tensor: shape %s needs %d values; got %d", shape, Shapes.size(shape), values.length);
        if (dtype == DType.INT64) {
            for (int i = 0; i < values.length; i++) {
                Checks.require(values[i] == Math.rint(values[i]) && Math.abs(values[i]) <= 0x1p53,
                        "tensor: an INT64 tensor holds whole numbers up to 2^53; got %s at %d", values[i], i);
            }
            return new Tensor(DType.INT64, null, values.clone(), shape);
        }
        if (dtype == DType.FLOAT64) {
            return new Tensor(values.clone(), shape);
        }
        float[] data = new float[values.length];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) values[i];
        }
        return new Tensor(data, shape);
    }

    /**
     * A float32 tensor over {@code data} itself, not a copy: later writes to the array show through.
     *
     * @param data the row-major storage, of exactly as many elements as {@code shape} holds
     * @param shape the dimensions, each &gt;= 0; none for a scalar
     * @return a new tensor whose storage is {@code data}
     * @throws IllegalArgumentException if a dimension is negative or the sizes differ
     */
    public static Tensor wrap(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    /**
     * A float64 tensor over {@code data} itself, not a copy: later writes to the array show through.
     *
     * @param data the row-major storage, of exactly as many elements as {@code shape} holds
     * @param shape the dimensions, each &gt;= 0; none for a scalar
     * @return a new tensor whose storage is {@code data}
     * @throws IllegalArgumentException if a dimension is negative or the sizes differ
     */
    public static Tensor wrap(double[] data, int... shape) {
        return new Tensor(data, shape);
    }

    /**
     * An INT64 vector of class labels (or any whole numbers), as {@code torch.tensor(labels)}:
     * what {@link backprop.nn.Loss#crossEntropy(Tensor, Tensor)} takes as targets.
     *
     * @param labels the elements, copied; every int is held exactly
     * @return a new INT64 vector of {@code labels.length} elements
     */
    public static Tensor of(int... labels) {
        double[] values = new double[labels.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = labels[i];
        }
        return new Tensor(DType.INT64, null, values, new int[] {labels.length});
    }

    /**
     * A matrix from rows of one length in the {@link #defaultDType()} (float32 unless changed),
     * as {@code torch.tensor(rows)}; {@link #of(DType, double[][])} names the dtype.
     *
     * @param rows at least one row, each as long as the first; copied
     * @return a new tensor of shape [{@code rows.length}, {@code rows[0].length}]
     * @throws IllegalArgumentException for no rows or rows of different lengths
     */
    public static Tensor of(double[][] rows) {
        return of(defaultDType, rows);
    }

    /**
     * A matrix of the given dtype from rows of one length.
     *
     * @param dtype the element type; FLOAT32 rounds each value to the nearest float
     * @param rows at least one row, each as long as the first; copied
     * @return a new tensor of shape [{@code rows.length}, {@code rows[0].length}]
     * @throws IllegalArgumentException for no rows, rows of different lengths, or a value that is
     *     not a whole number for INT64
     */
    public static Tensor of(DType dtype, double[][] rows) {
        Checks.require(rows.length > 0, "tensor: needs at least one row");
        int cols = rows[0].length;
        double[] data = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            Checks.require(rows[r].length == cols,
                    "tensor: every row must have %d values like row 0; row %d has %d", cols, r, rows[r].length);
            System.arraycopy(rows[r], 0, data, r * cols, cols);
        }
        return of(dtype, data, rows.length, cols);
    }

    /**
     * A float32 matrix from rows of one length (a copy).
     *
     * @param rows at least one row, each as long as the first
     * @return a new tensor of shape [{@code rows.length}, {@code rows[0].length}]
     * @throws IllegalArgumentException for no rows or rows of different lengths
     */
    public static Tensor of(float[][] rows) {
        return matrix(rows);
    }

    /**
     * A vector in the {@link #defaultDType()} (a copy), as {@code torch.tensor(values)}.
     *
     * @param values the elements; rounded to the nearest float when the default is float32
     * @return a new vector of {@code values.length} elements
     */
    public static Tensor of(double[] values) {
        return of(defaultDType, values, values.length);
    }

    /**
     * {@return a new float32 vector of {@code values.length} elements}
     *
     * @param values the elements, copied
     */
    public static Tensor of(float[] values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    /**
     * {@return a new tensor of zeros, as {@code torch.zeros}}
     *
     * @param dtype the element type
     * @param shape the dimensions, each &gt;= 0; none for a scalar
     * @throws IllegalArgumentException for a negative dimension
     */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = Shapes.size(shape);
        return switch (dtype) {
            case FLOAT32 -> new Tensor(new float[n], shape);
            case FLOAT64 -> new Tensor(new double[n], shape);
            case INT64 -> new Tensor(DType.INT64, null, new double[n], shape);
        };
    }

    /**
     * {@return a new tensor of ones, as {@code torch.ones}}
     *
     * @param dtype the element type
     * @param shape the dimensions, each &gt;= 0; none for a scalar
     * @throws IllegalArgumentException for a negative dimension
     */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1, shape);
    }

    /**
     * {@return a new tensor with {@code value} in every element, as {@code torch.full}}
     *
     * @param dtype the element type
     * @param value the element; rounded to the nearest float for FLOAT32; a whole number for INT64
     * @param shape the dimensions, each &gt;= 0; none for a scalar
     * @throws IllegalArgumentException for a negative dimension, or a fraction for INT64
     */
    public static Tensor full(DType dtype, double value, int... shape) {
        Checks.require(dtype.isFloatingPoint() || value == Math.rint(value),
                "full: an INT64 tensor holds whole numbers; got %s", value);
        Tensor t = zeros(dtype, shape);
        if (t.d != null) {
            Arrays.fill(t.d, value);
        } else {
            Arrays.fill(t.f, (float) value);
        }
        return t;
    }

    /**
     * {@return a new leaf of zeros, as {@code torch.zeros_like}}
     *
     * @param t the tensor whose shape and dtype the result takes; nothing else of it is read
     */
    public static Tensor zerosLike(Tensor t) {
        return zeros(t.dtype, t.shape);
    }

    /**
     * {@return a new leaf of ones, as {@code torch.ones_like}}
     *
     * @param t the tensor whose shape and dtype the result takes; nothing else of it is read
     */
    public static Tensor onesLike(Tensor t) {
        return ones(t.dtype, t.shape);
    }

    /**
     * Independent standard normal values from {@code rng}, as {@code torch.randn}.
     *
     * @param rng the source, advanced by every element's draw
     * @param dtype FLOAT32 (each draw rounded to the nearest float) or FLOAT64
     * @param shape the dimensions, each &gt;= 0; none for a scalar
     * @return a new leaf that does not require a gradient
     * @throws IllegalArgumentException for INT64
     */
    public static Tensor randn(RandomGenerator rng, DType dtype, int... shape) {
        Checks.require(dtype.isFloatingPoint(), "randn: needs FLOAT32 or FLOAT64; got %s", dtype);
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, rng.nextGaussian());
        }
        return t;
    }

    /**
     * Independent values uniform in {@code [low, high)} from {@code rng}, as PyTorch's {@code uniform_}.
     *
     * @param rng the source, advanced by one {@code nextDouble()} per element
     * @param low the smallest value that can be drawn
     * @param high the bound that is not reached (float32 rounding may reach it)
     * @param dtype FLOAT32 or FLOAT64
     * @param shape the dimensions, each &gt;= 0; none for a scalar
     * @return a new leaf that does not require a gradient
     * @throws IllegalArgumentException for INT64
     */
    public static Tensor uniform(RandomGenerator rng, double low, double high, DType dtype, int... shape) {
        Checks.require(dtype.isFloatingPoint(), "uniform: needs FLOAT32 or FLOAT64; got %s", dtype);
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, low + (high - low) * rng.nextDouble());
        }
        return t;
    }

    /**
     * Stacks tensors of one shape along a new first axis: scalars make a vector, vectors the
     * rows of a matrix. Differentiable: each part gets its slice of the gradient.
     *
     * @param parts at least one tensor, all of the first one's shape
     * @return a new tensor of shape [{@code parts.size()}, ...the parts' shape] in the parts' dtypes
     *     promoted pairwise ({@link DType#promote}), as {@code torch.stack(parts)}
     * @throws ShapeMismatchException if the shapes differ
     * @throws IllegalArgumentException for an empty list
     */
    public static Tensor stack(List<Tensor> parts) {
        return Movement.stack(parts);
    }

    // ---- Accessors ----------------------------------------------------------------------

    /** {@return the element type, fixed when the tensor was made} */
    public final DType dtype() {
        return dtype;
    }

    /** {@return the dimensions, outermost first, empty for a scalar; a copy the caller may change} */
    public final int[] shape() {
        return shape.clone();
    }

    /** {@return the number of dimensions: 0 for a scalar, 1 for a vector, 2 for a matrix} */
    public final int rank() {
        return shape.length;
    }

    /**
     * Size of one dimension; negative axes count from the end ({@code -1} is the last).
     *
     * @param axis in {@code [-rank(), rank())}
     * @return the size, &gt;= 0
     * @throws IllegalArgumentException for an axis out of range
     */
    public final int dim(int axis) {
        return shape[normalizeAxis(axis)];
    }

    /** {@return the number of elements: the product of the dimensions, 1 for a scalar} */
    public final int size() {
        return f != null ? f.length : d.length;
    }

    /**
     * The value of a one-element tensor, as PyTorch's {@code item()}.
     *
     * @return the element, exact for every dtype
     * @throws IllegalArgumentException unless the tensor has exactly one element
     */
    public final double item() {
        Checks.require(size() == 1, "item: needs a tensor with one element; got shape %s", shape);
        return getFlat(0);
    }

    /**
     * The element at a full index, as a double.
     *
     * @param index one index per dimension, each in {@code [0, dim)}; none for a scalar
     * @return the element, exact for every dtype
     * @throws IllegalArgumentException for the wrong number of indices or one out of range
     */
    public final double get(int... index) {
        Checks.require(index.length == shape.length,
                "get: needs %d indices for shape %s; got %d", shape.length, shape, index.length);
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            Checks.require(index[i] >= 0 && index[i] < shape[i],
                    "get: index %d of dimension %d is out of range for shape %s", index[i], i, shape);
            flat = flat * shape[i] + index[i];
        }
        return getFlat(flat);
    }

    /**
     * The element at a row-major position.
     *
     * @param i in {@code [0, size())}
     * @return the element, exact for every dtype
     * @throws ArrayIndexOutOfBoundsException for {@code i} out of range
     */
    public final double getFlat(int i) {
        return f != null ? f[i] : d[i];
    }

    final void setFlat(int i, double value) {
        if (f != null) {
            f[i] = (float) value;
        } else {
            d[i] = value;
        }
    }

    /** {@return a new row-major array of the {@link #size()} values, exact for every dtype} */
    public final double[] toDoubleArray() {
        if (d != null) {
            return d.clone();
        }
        double[] out = new double[f.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /**
     * A row-major copy of the values as ints: class labels, argmax results.
     *
     * @return a new array of the {@link #size()} values
     * @throws IllegalArgumentException unless the tensor is INT64
     * @throws ArithmeticException for a value outside the range of {@code int}
     */
    public final int[] toIntArray() {
        Checks.require(dtype == DType.INT64, "toIntArray: the tensor is %s, not INT64", dtype);
        int[] out = new int[d.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact((long) d[i]);
        }
        return out;
    }

    /**
     * {@return a new row-major array of the {@link #size()} values, float64 ones rounded to the
     * nearest float}
     */
    public final float[] toFloatArray() {
        if (f != null) {
            return f.clone();
        }
        float[] out = new float[d.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    /**
     * The float32 storage itself, for kernels and readers that must not copy. Writing to it
     * changes this tensor; never do that to a tensor a recorded graph still uses.
     *
     * @return the row-major array of {@link #size()} values that this tensor (and any tensor sharing
     *     its data: {@link #reshape}, {@link #detach()}) reads
     * @throws IllegalArgumentException unless the tensor is FLOAT32
     */
    public final float[] floatData() {
        Checks.require(f != null, "floatData: the tensor is %s, not FLOAT32", dtype);
        return f;
    }

    /**
     * The float64 storage itself; the same warning as {@link #floatData()}.
     *
     * @return the row-major array of {@link #size()} values that this tensor reads; an INT64
     *     tensor's whole numbers are stored here too
     * @throws IllegalArgumentException for a FLOAT32 tensor
     */
    public final double[] doubleData() {
        Checks.require(d != null, "doubleData: the tensor is %s, not FLOAT64", dtype);
        return d;
    }

    /**
     * {@return a new leaf with a copy of the values, of this tensor's own shape and dtype (INT64
     * included), that does not require a gradient: PyTorch's {@code clone().detach()}}
     */
    public final Tensor copy() {
        return new Tensor(dtype, f != null ? f.clone() : null, d != null ? d.clone() : null, shape);
    }

    /**
     * A copy in the other dtype (or this tensor, when it already has {@code target}); differentiable.
     *
     * @param target the result's dtype: float32 rounds to the nearest float, float64 is exact, and
     *     INT64 truncates toward zero, as PyTorch's {@code .long()}
     * @return this tensor itself when its dtype is {@code target}, else a new tensor of this shape;
     *     the gradient flows back converted to this tensor's dtype
     */
    public final Tensor to(DType target) {
        return target == dtype ? this : Elementwise.convert(this, target);
    }

    /** {@return true when every element is finite (no NaN, no infinity); true for no elements} */
    public final boolean isFinite() {
        for (int i = 0; i < size(); i++) {
            if (!Double.isFinite(getFlat(i))) {
                return false;
            }
        }
        return true;
    }

    // ---- Autograd -------------------------------------------------------------------------

    /**
     * {@return true for a leaf marked with {@link #requiresGrad(boolean)} and for any result computed
     * from one while gradients were recorded}
     */
    public final boolean requiresGrad() {
        return requiresGrad || origin != null;
    }

    /**
     * Marks a leaf as wanting its gradient, as PyTorch's {@code requires_grad_()}.
     *
     * @param value true for {@link #backward()} to fill this tensor's {@link #grad()}; false to stop
     * @return this tensor, for {@code Tensor.randn(rng, DType.FLOAT64, 3).requiresGrad(true)}
     * @throws IllegalStateException for a tensor computed by an operation (not a leaf)
     * @throws IllegalArgumentException for true on an INT64 tensor
     */
    public Tensor requiresGrad(boolean value) {
        Checks.requireState(origin == null,
                "requiresGrad: only leaves can be marked; this tensor was computed by '%s' (use detach() for a new leaf)",
                origin);
        Checks.require(!value || dtype.isFloatingPoint(),
                "requiresGrad: only floating-point tensors can require a gradient; this one is %s", dtype);
        requiresGrad = value;
        return this;
    }

    /**
     * {@return the gradient accumulated by the backward passes since the last {@link #zeroGrad()},
     * of this tensor's shape and dtype, or {@code null} if none reached this tensor}
     */
    public final Tensor grad() {
        return grad;
    }

    /**
     * Forgets the accumulated gradient: {@link #grad()} is {@code null} until the next backward pass
     * reaches this tensor (PyTorch's {@code set_to_none=True}). Inside a
     * {@link backprop.autograd.Workspace} step, that pass writes into the storage of the gradient
     * forgotten here, when it was one that a workspace step made.
     */
    public final void zeroGrad() {
        grad = null;
    }

    /**
     * Asks backward to keep this interior tensor's gradient in {@link #grad()} too, as PyTorch's
     * {@code retain_grad()}.
     *
     * @return this tensor
     */
    public final Tensor retainGrad() {
        retainsGrad = true;
        return this;
    }

    /**
     * {@return true after {@link #retainGrad()}: backward passes keep this tensor's gradient even
     * when it is not a leaf}
     */
    public final boolean retainsGrad() {
        return retainsGrad;
    }

    /**
     * {@return the operation that made this tensor, or {@code null} for a leaf (including any result
     * computed while gradients were not recorded)}
     */
    public final Node origin() {
        return origin;
    }

    /**
     * {@return a new leaf over this tensor's data (not copied) that does not require a gradient: cuts
     * the graph here, as PyTorch's {@code detach()}}
     */
    public final Tensor detach() {
        return new Tensor(dtype, f, d, shape);
    }

    /** Backpropagates from this scalar: fills {@code grad()} of every leaf that requires it. */
    public final void backward() {
        Backward.run(this);
    }

    /**
     * As {@link #backward()}; with {@code keepGraph} the graph may be differentiated again.
     *
     * @param keepGraph true to keep the backward rules for another pass, as PyTorch's
     *     {@code retain_graph=True}; false frees them, and a second pass through them throws
     */
    public final void backward(boolean keepGraph) {
        Backward.run(this, keepGraph, backprop.autograd.BackwardListener.NONE);
    }

    static {
        TensorHooks.install(new TensorHooks() {
            @Override
            public void attachOrigin(Tensor out, Node node) {
                Checks.requireState(out.origin == null && !out.requiresGrad,
                        "bug: attachOrigin on a tensor that already has a place in a graph");
                out.origin = node;
            }

            @Override
            public void accumulateGrad(Tensor t, Tensor g) {
                if (Arena.active() == null || t.origin != null) {   // an interior tensor is a step's result itself
                    t.grad = t.grad == null ? g : t.grad.add(g);
                } else {
                    t.grad = accumulateOwn(t, g);
                }
            }

            @Override
            public Tensor ownGrad(Tensor t) {
                if (t.ownGrad == null) {
                    t.ownGrad = zerosLike(t);
                }
                return t.ownGrad;
            }
        });
    }

    /**
     * A leaf's gradient inside a workspace step: it outlives the step, so it must never be a
     * workspace's storage, which the next step overwrites. It is kept in the leaf's own storage,
     * where backward wrote it directly ({@code g} is that storage) or where {@code g} is copied or
     * added, with the same rounding as {@link #add(Tensor)}.
     */
    private static Tensor accumulateOwn(Tensor t, Tensor g) {
        Tensor own = TensorHooks.get().ownGrad(t);
        Tensor sum = t.grad;
        if (sum == null) {
            if (g != own) {
                System.arraycopy(g.f != null ? g.f : g.d, 0, own.f != null ? own.f : own.d, 0, own.size());
            }
        } else if (own.f != null) {
            for (int i = 0; i < own.f.length; i++) {
                own.f[i] = (float) ((double) sum.f[i] + g.f[i]);   // as add(): the sum in double, rounded once
            }
        } else {
            for (int i = 0; i < own.d.length; i++) {
                own.d[i] = sum.d[i] + g.d[i];
            }
        }
        return own;
    }

    /**
     * Replaces the gradient, as PyTorch's {@code p.grad = g}: for a gradient computed elsewhere
     * (another process, a sum over machines) that {@code optimizer.step()} should apply.
     *
     * @param g a tensor of this tensor's shape and dtype, or null to forget the gradient
     * @throws IllegalArgumentException if the shape or dtype differs
     */
    public final void setGrad(Tensor g) {
        Checks.require(g == null || (Arrays.equals(g.shape, shape) && g.dtype == dtype),
                "setGrad: the gradient must have shape %s and dtype %s like the tensor; got %s", shape, dtype,
                g == null ? null : Shapes.format(g.shape) + " " + g.dtype);
        grad = g;
    }

    // ---- Arithmetic (element-wise, broadcasting) ------------------------------------------

    /**
     * {@code this + other} element-wise, as {@code torch.add}.
     *
     * @param other an operand whose shape broadcasts with this one's
     * @return a new tensor of the broadcast shape in the promoted dtype
     */
    public final Tensor add(Tensor other) {
        return Elementwise.add(this, other);
    }

    /**
     * {@return {@code this + value} element-wise, a new tensor of this shape and dtype}
     *
     * @param value rounded to the nearest float when this tensor is float32
     */
    public final Tensor add(double value) {
        return Elementwise.add(this, constant(value));
    }

    /**
     * {@code this - other} element-wise, as {@code torch.sub}.
     *
     * @param other an operand whose shape broadcasts with this one's
     * @return a new tensor of the broadcast shape in the promoted dtype
     */
    public final Tensor sub(Tensor other) {
        return Elementwise.sub(this, other);
    }

    /**
     * {@return {@code this - value} element-wise, a new tensor of this shape and dtype}
     *
     * @param value rounded to the nearest float when this tensor is float32
     */
    public final Tensor sub(double value) {
        return Elementwise.sub(this, constant(value));
    }

    /**
     * {@code this * other} element-wise (not the matrix product: {@link #matmul}), as {@code torch.mul}.
     *
     * @param other an operand whose shape broadcasts with this one's
     * @return a new tensor of the broadcast shape in the promoted dtype
     */
    public final Tensor mul(Tensor other) {
        return Elementwise.mul(this, other);
    }

    /**
     * {@return {@code this * value} element-wise, a new tensor of this shape and dtype}
     *
     * @param value rounded to the nearest float when this tensor is float32
     */
    public final Tensor mul(double value) {
        return Elementwise.mul(this, constant(value));
    }

    /**
     * {@code this / other} element-wise, as {@code torch.div}; division by 0 gives an infinity or NaN.
     *
     * @param other an operand whose shape broadcasts with this one's
     * @return a new tensor of the broadcast shape in the promoted dtype
     */
    public final Tensor div(Tensor other) {
        return Elementwise.div(this, other);
    }

    /**
     * {@return {@code this / value} element-wise, a new tensor of this shape and dtype}
     *
     * @param value rounded to the nearest float when this tensor is float32
     */
    public final Tensor div(double value) {
        return Elementwise.div(this, constant(value));
    }

    /**
     * {@code this ^ exponent}, differentiable in both; the gradient with respect to the exponent,
     * {@code this^exponent ln(this)}, is finite only where this is positive.
     *
     * @param exponent an operand whose shape broadcasts with this one's
     * @return a new tensor of the broadcast shape in the promoted dtype; NaN where a negative base
     *     meets a non-integer exponent
     */
    public final Tensor pow(Tensor exponent) {
        return Elementwise.pow(this, exponent);
    }

    /**
     * {@code this ^ exponent} element-wise: {@code pow(2)} squares, {@code pow(-1)} inverts.
     *
     * @param exponent rounded to the nearest float when this tensor is float32
     * @return a new tensor of this shape and dtype; NaN where a negative element meets a non-integer
     *     exponent
     */
    public final Tensor pow(double exponent) {
        return Elementwise.pow(this, constant(exponent));
    }

    /**
     * Element-wise maximum, as {@code torch.maximum}; the gradient goes to {@code this} where it is
     * larger, else (ties included) to {@code other}.
     *
     * @param other an operand whose shape broadcasts with this one's
     * @return a new tensor of the broadcast shape in the promoted dtype
     */
    public final Tensor maximum(Tensor other) {
        return Elementwise.maximum(this, other);
    }

    /**
     * Element-wise minimum, as {@code torch.minimum}; the gradient goes to {@code this} where it is
     * smaller, else (ties included) to {@code other}.
     *
     * @param other an operand whose shape broadcasts with this one's
     * @return a new tensor of the broadcast shape in the promoted dtype
     */
    public final Tensor minimum(Tensor other) {
        return Elementwise.minimum(this, other);
    }

    /** {@return -x of every element, a new tensor of this shape and dtype} */
    public final Tensor neg() {
        return Elementwise.neg(this);
    }

    /** {@return e^x of every element, a new tensor of this shape and dtype} */
    public final Tensor exp() {
        return Elementwise.exp(this);
    }

    /** {@return ln x of every element, a new tensor of this shape and dtype: -infinity at 0, NaN below} */
    public final Tensor log() {
        return Elementwise.log(this);
    }

    /**
     * {@return the square root of every element, a new tensor of this shape and dtype: NaN below 0,
     * and an infinite gradient at 0}
     */
    public final Tensor sqrt() {
        return Elementwise.sqrt(this);
    }

    /** {@return |x| of every element, with gradient 0 at 0: a new tensor of this shape and dtype} */
    public final Tensor abs() {
        return Elementwise.abs(this);
    }

    /**
     * {@return 1 / (1 + exp(-x)) of every element, computed without overflow: a new tensor of this
     * shape and dtype, in [0, 1]}
     */
    public final Tensor sigmoid() {
        return Elementwise.sigmoid(this);
    }

    /** {@return tanh x of every element, a new tensor of this shape and dtype, in [-1, 1]} */
    public final Tensor tanh() {
        return Elementwise.tanh(this);
    }

    /** {@return max(x, 0) of every element, with gradient 0 at 0: a new tensor of this shape and dtype} */
    public final Tensor relu() {
        return Elementwise.relu(this);
    }

    /**
     * {@return log(1 + exp(x)) of every element, computed without overflow: a new tensor of this shape
     * and dtype, &gt;= 0}
     */
    public final Tensor softplus() {
        return Elementwise.softplus(this);
    }

    // ---- Reductions and normalizations ----------------------------------------------------

    /**
     * {@return the sum of all elements, accumulated in float64: a new scalar of this tensor's own
     * dtype (INT64 included), 0 for no elements}
     */
    public final Tensor sum() {
        return Reductions.sum(this);
    }

    /**
     * The sum over one axis, which disappears from the shape: for [n, m], {@code sum(0)} is [m], as
     * {@code torch.sum(x, dim)}.
     *
     * @param axis in {@code [-rank(), rank())}
     * @return a new tensor of this tensor's own dtype (INT64 included)
     * @throws IllegalArgumentException for an axis out of range
     */
    public final Tensor sum(int axis) {
        return Reductions.sum(this, normalizeAxis(axis), false);
    }

    /** {@return the mean of all elements, a new scalar of this dtype; NaN for no elements} */
    public final Tensor mean() {
        return sum().div(size());
    }

    /**
     * The mean over one axis, which disappears from the shape, as {@code torch.mean(x, dim)}.
     *
     * @param axis in {@code [-rank(), rank())}
     * @return a new tensor of this dtype
     * @throws IllegalArgumentException for an axis out of range
     */
    public final Tensor mean(int axis) {
        return sum(axis).div(dim(axis));
    }

    /**
     * softmax over the last axis, computed stably (the row maximum subtracted first):
     * {@code exp(x_j) / sum_k exp(x_k)}, as {@code torch.softmax(x, -1)}.
     *
     * @return a new tensor of this shape and dtype whose rows sum to 1
     * @throws IllegalArgumentException for a scalar
     */
    public final Tensor softmax() {
        return Reductions.softmax(this);
    }

    /**
     * log(softmax(x)) over the last axis, computed stably: {@code x_j - log sum_k exp(x_k)}, as
     * {@code torch.log_softmax(x, -1)}.
     *
     * @return a new tensor of this shape and dtype, every element &lt;= 0
     * @throws IllegalArgumentException for a scalar
     */
    public final Tensor logSoftmax() {
        return Reductions.logSoftmax(this);
    }

    /**
     * The flat (row-major) index of the largest element, an INT64 scalar; ties go to the first.
     * Not differentiable.
     *
     * @return a new INT64 scalar in {@code [0, size())}
     * @throws IllegalArgumentException for a tensor of no elements
     */
    public final Tensor argmax() {
        return Reductions.argExtreme(reshape(size()), 0, true);
    }

    /**
     * The index of the largest element along {@code axis}, which disappears from the shape: for
     * logits [n, classes], {@code argmax(1)} is each row's predicted class. INT64; ties go to the
     * first index, as in PyTorch. Not differentiable.
     *
     * @param axis in {@code [-rank(), rank())}
     * @return a new INT64 tensor of this shape without {@code axis}, each index in
     *     {@code [0, dim(axis))}
     * @throws IllegalArgumentException for an axis out of range or of size 0
     */
    public final Tensor argmax(int axis) {
        return Reductions.argExtreme(this, normalizeAxis(axis), true);
    }

    /**
     * The flat index of the smallest element, an INT64 scalar; ties go to the first. Not
     * differentiable.
     *
     * @return a new INT64 scalar in {@code [0, size())}
     * @throws IllegalArgumentException for a tensor of no elements
     */
    public final Tensor argmin() {
        return Reductions.argExtreme(reshape(size()), 0, false);
    }

    /**
     * As {@link #argmax(int)}, for the smallest element.
     *
     * @param axis in {@code [-rank(), rank())}
     * @return a new INT64 tensor of this shape without {@code axis}
     * @throws IllegalArgumentException for an axis out of range or of size 0
     */
    public final Tensor argmin(int axis) {
        return Reductions.argExtreme(this, normalizeAxis(axis), false);
    }

    /**
     * 1 where the elements are equal and 0 elsewhere, broadcasting, in the operands' promoted
     * floating-point type; not differentiable. {@code pred.eq(labels).mean()} is the accuracy.
     *
     * @param other an operand whose shape broadcasts with this one's; compared exactly as doubles
     * @return a new tensor of the broadcast shape that never requires a gradient
     */
    public final Tensor eq(Tensor other) {
        try (var noGrad = backprop.autograd.GradMode.disabled()) {
            return Elementwise.zip("eq", this, other, (x, y) -> x == y ? 1 : 0);
        }
    }

    // ---- Linear algebra and shape -------------------------------------------------------

    /**
     * NumPy's matmul for 1-D and 2-D operands, as {@code torch.matmul}; a scalar operand is an error.
     * A vector operand is a row on the left, a column on the right, and its dimension then drops out.
     *
     * @param other a vector or matrix whose first dimension equals this tensor's last
     * @return a new tensor in the promoted dtype: [n, k] by [k, m] is [n, m], [n, k] by [k] is [n],
     *     [k] by [k, m] is [m], and [k] by [k] a scalar
     * @throws ShapeMismatchException for an operand that is not a vector or a matrix, or inner
     *     dimensions that differ
     */
    public final Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /**
     * The inner product of two vectors of one length, as {@code torch.dot}.
     *
     * @param other a vector as long as this one
     * @return a new scalar, the sum of the element-wise products, in the promoted dtype
     * @throws ShapeMismatchException unless both are vectors of one length
     */
    public final Tensor dot(Tensor other) {
        return LinearAlgebra.dot(this, other);
    }

    /**
     * The 2-D transpose, as PyTorch's {@code t()}; a vector or scalar is returned unchanged.
     *
     * @return for a matrix [n, m], a new matrix [m, n]; a vector or scalar, this tensor itself
     * @throws IllegalArgumentException for more than two dimensions
     */
    public final Tensor t() {
        Checks.require(rank() <= 2, "t: needs a tensor of at most 2 dimensions; got shape %s (use transpose of a reshape)", shape);
        return transpose();
    }

    /**
     * The 2-D transpose; a vector or scalar is returned unchanged, as in NumPy.
     *
     * @throws IllegalArgumentException for more than two dimensions
     *
     * @return for a matrix [n, m], a new matrix [m, n]; a vector or scalar, this tensor itself
     */
    public final Tensor transpose() {
        return LinearAlgebra.transpose(this);
    }

    /**
     * The same elements in another shape with as many elements, in the same row-major order, as
     * {@code torch.reshape} (without {@code -1}).
     *
     * @param newShape the dimensions, whose product is {@link #size()}; none for a scalar
     * @return a new tensor sharing this one's data, of this tensor's own dtype (INT64 included)
     * @throws IllegalArgumentException if the numbers of elements differ
     */
    public final Tensor reshape(int... newShape) {
        return Movement.reshape(this, newShape);
    }

    /**
     * Repeats size-1 (or missing leading) dimensions to reach {@code target}, as broadcasting does
     * and as {@code torch.expand}; the gradient is summed back.
     *
     * @param target a shape this tensor's shape broadcasts to
     * @return this tensor itself when its shape is {@code target}, else a new tensor of shape
     *     {@code target} and this dtype
     * @throws IllegalArgumentException if this shape does not broadcast to {@code target}
     */
    public final Tensor expand(int... target) {
        return Movement.expand(this, target);
    }

    /**
     * The gradient-side inverse of broadcasting: sums over the dimensions {@code target} broadcasts.
     *
     * @param target a shape that broadcasts to this tensor's shape
     * @return this tensor itself when its shape is {@code target}, else a new tensor of shape
     *     {@code target} and this tensor's own dtype, each element the sum of its broadcast copies
     * @throws IllegalArgumentException if {@code target} does not broadcast to this shape
     */
    public final Tensor sumTo(int... target) {
        return Movement.sumTo(this, target);
    }

    /**
     * {@code x W^T + b} for x of shape [n, in], W of shape [out, in] and b of shape [out]: one fused
     * op, as {@code torch.nn.functional.linear}.
     *
     * @param weight the matrix W [out, in], PyTorch's layout
     * @param bias the vector b [out], or {@code null} for none
     * @return a new matrix [n, out] in the promoted dtype
     * @throws ShapeMismatchException if this tensor is not [n, in] or the others do not fit it
     */
    public final Tensor linear(Tensor weight, Tensor bias) {
        return LinearAlgebra.linear(this, weight, bias);
    }

    /**
     * {@code relu(x W^T + b)}, the hidden layer of an MLP, as one op: the bias and the ReLU in
     * one pass after the product, and one masked gradient in the backward pass. Equal to
     * {@code linear(weight, bias).relu()}, element for element and in every gradient;
     * {@link backprop.nn.Sequential} calls it for a Linear layer followed by a ReLU.
     *
     * @param weight the matrix W [out, in], PyTorch's layout
     * @param bias the vector b [out], or {@code null} for none
     * @return a new matrix [n, out] in the promoted dtype
     * @throws ShapeMismatchException if this tensor is not [n, in] or the others do not fit it
     */
    public final Tensor linearRelu(Tensor weight, Tensor bias) {
        return LinearAlgebra.linearRelu(this, weight, bias);
    }

    // ---- Helpers ----------------------------------------------------------------------------

    final int normalizeAxis(int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        Checks.require(a >= 0 && a < shape.length,
                "axis %d is out of range for a tensor of shape %s", axis, shape);
        return a;
    }

    final Tensor constant(double value) {
        return dtype == DType.FLOAT32 ? new Tensor(new float[] {(float) value}, new int[0]) : scalar(value);
    }

    /**
     * The values as PyTorch prints them: {@code tensor(0.5000)} for a scalar,
     * {@code tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]])} for a matrix, large tensors
     * summarized with {@code ...}, then the dtype when it is not float32 and the gradient
     * function or {@code requires_grad=true}.
     */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
