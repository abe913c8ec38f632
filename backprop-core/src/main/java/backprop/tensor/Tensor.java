package backprop.tensor;

import backprop.autograd.Backward;
import backprop.autograd.Node;
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
        Checks.require(Shapes.size(shape) == length,
                "tensor: shape %s needs %d values; got %d", shape, Shapes.size(shape), length);
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
     */
    public static DType defaultDType() {
        return defaultDType;
    }

    /**
     * Sets {@link #defaultDType()} for everything made after, in every thread, as
     * {@code torch.set_default_dtype}: float64 for exact comparisons, float32 for speed.
     *
     * @throws IllegalArgumentException for INT64
     */
    public static void setDefaultDType(DType dtype) {
        Checks.require(dtype.isFloatingPoint(), "setDefaultDType: needs FLOAT32 or FLOAT64; got %s", dtype);
        defaultDType = dtype;
    }

    // ---- Factories ----------------------------------------------------------------------

    /** A float64 scalar (shape {@code []}). */
    public static Tensor scalar(double value) {
        return new Tensor(new double[] {value}, new int[0]);
    }

    /** A float64 vector. */
    public static Tensor vector(double... values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    /** A float64 matrix from its rows, which must all have the same length. */
    public static Tensor matrix(double[][] rows) {
        Checks.require(rows.length > 0, "matrix: needs at least one row");
        int cols = rows[0].length;
        double[] data = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            Checks.require(rows[r].length == cols,
                    "matrix: every row must have %d values like row 0; row %d has %d", cols, r, rows[r].length);
            System.arraycopy(rows[r], 0, data, r * cols, cols);
        }
        return new Tensor(data, new int[] {rows.length, cols});
    }

    /** A float32 matrix from its rows, which must all have the same length. */
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

    /** A float32 tensor over {@code data} itself, not a copy: later writes to the array show through. */
    public static Tensor wrap(float[] data, int... shape) {
        return new Tensor(data, shape);
    }

    /** A float64 tensor over {@code data} itself, not a copy: later writes to the array show through. */
    public static Tensor wrap(double[] data, int... shape) {
        return new Tensor(data, shape);
    }

    /**
     * An INT64 vector of class labels (or any whole numbers), as {@code torch.tensor(labels)}:
     * what {@link backprop.nn.Loss#crossEntropy(Tensor, Tensor)} takes as targets.
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
     */
    public static Tensor of(double[][] rows) {
        return of(defaultDType, rows);
    }

    /** A matrix of the given floating-point dtype from rows of one length. */
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

    /** A float32 matrix from rows of one length (a copy). */
    public static Tensor of(float[][] rows) {
        return matrix(rows);
    }

    /** A vector in the {@link #defaultDType()} (a copy), as {@code torch.tensor(values)}. */
    public static Tensor of(double[] values) {
        return of(defaultDType, values, values.length);
    }

    /** A float32 vector (a copy). */
    public static Tensor of(float[] values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    /** A new tensor of zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = Shapes.size(shape);
        return switch (dtype) {
            case FLOAT32 -> new Tensor(new float[n], shape);
            case FLOAT64 -> new Tensor(new double[n], shape);
            case INT64 -> new Tensor(DType.INT64, null, new double[n], shape);
        };
    }

    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1, shape);
    }

    public static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = zeros(dtype, shape);
        if (t.d != null) {
            Arrays.fill(t.d, value);
        } else {
            Arrays.fill(t.f, (float) value);
        }
        return t;
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.dtype, t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        return ones(t.dtype, t.shape);
    }

    /** Independent standard normal values from {@code rng}. */
    public static Tensor randn(RandomGenerator rng, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, rng.nextGaussian());
        }
        return t;
    }

    /** Independent values uniform in {@code [low, high)} from {@code rng}. */
    public static Tensor uniform(RandomGenerator rng, double low, double high, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, low + (high - low) * rng.nextDouble());
        }
        return t;
    }

    /**
     * Stacks tensors of one shape along a new first axis: scalars make a vector, vectors the
     * rows of a matrix. Differentiable: each part gets its slice of the gradient.
     */
    public static Tensor stack(List<Tensor> parts) {
        return Movement.stack(parts);
    }

    // ---- Accessors ----------------------------------------------------------------------

    public final DType dtype() {
        return dtype;
    }

    /** The dimensions, outermost first; a scalar has none. A copy. */
    public final int[] shape() {
        return shape.clone();
    }

    public final int rank() {
        return shape.length;
    }

    /** Size of one dimension; negative axes count from the end ({@code -1} is the last). */
    public final int dim(int axis) {
        return shape[normalizeAxis(axis)];
    }

    /** The number of elements. */
    public final int size() {
        return f != null ? f.length : d.length;
    }

    /** The value of a one-element tensor. */
    public final double item() {
        Checks.require(size() == 1, "item: needs a tensor with one element; got shape %s", shape);
        return getFlat(0);
    }

    /** The element at a full index, as a double. */
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

    /** The element at a row-major position. */
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

    /** A row-major copy of the values as doubles. */
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
     * @throws IllegalArgumentException unless the tensor is INT64
     */
    public final int[] toIntArray() {
        Checks.require(dtype == DType.INT64, "toIntArray: the tensor is %s, not INT64", dtype);
        int[] out = new int[d.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.toIntExact((long) d[i]);
        }
        return out;
    }

    /** A row-major copy of the values as floats (rounded when float64). */
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
     */
    public final float[] floatData() {
        Checks.require(f != null, "floatData: the tensor is %s, not FLOAT32", dtype);
        return f;
    }

    /** The float64 storage itself; the same warning as {@link #floatData()}. */
    public final double[] doubleData() {
        Checks.require(d != null, "doubleData: the tensor is %s, not FLOAT64", dtype);
        return d;
    }

    /** A new leaf with a copy of the values. */
    public final Tensor copy() {
        return new Tensor(dtype, f != null ? f.clone() : null, d != null ? d.clone() : null, shape);
    }

    /** A copy in the other dtype (or this tensor, when it already has {@code target}); differentiable. */
    public final Tensor to(DType target) {
        return target == dtype ? this : Elementwise.convert(this, target);
    }

    /** True when every element is finite (no NaN, no infinity). */
    public final boolean isFinite() {
        for (int i = 0; i < size(); i++) {
            if (!Double.isFinite(getFlat(i))) {
                return false;
            }
        }
        return true;
    }

    // ---- Autograd -------------------------------------------------------------------------

    /** True for a leaf marked with {@link #requiresGrad(boolean)} and for any result computed from one. */
    public final boolean requiresGrad() {
        return requiresGrad || origin != null;
    }

    /** Marks a leaf as wanting its gradient; returns this tensor. */
    public Tensor requiresGrad(boolean value) {
        Checks.requireState(origin == null,
                "requiresGrad: only leaves can be marked; this tensor was computed by '%s' (use detach() for a new leaf)",
                origin);
        Checks.require(!value || dtype.isFloatingPoint(),
                "requiresGrad: only floating-point tensors can require a gradient; this one is %s", dtype);
        requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of the last backward passes, or {@code null} if none reached this tensor. */
    public final Tensor grad() {
        return grad;
    }

    /** Forgets the accumulated gradient. */
    public final void zeroGrad() {
        grad = null;
    }

    /** Asks backward to keep this interior tensor's gradient in {@link #grad()} too; returns this tensor. */
    public final Tensor retainGrad() {
        retainsGrad = true;
        return this;
    }

    public final boolean retainsGrad() {
        return retainsGrad;
    }

    /** The operation that made this tensor, or {@code null} for a leaf. */
    public final Node origin() {
        return origin;
    }

    /** The same data as a new leaf that does not require a gradient: cuts the graph here. */
    public final Tensor detach() {
        return new Tensor(dtype, f, d, shape);
    }

    /** Backpropagates from this scalar: fills {@code grad()} of every leaf that requires it. */
    public final void backward() {
        Backward.run(this);
    }

    /** As {@link #backward()}; with {@code keepGraph} the graph may be differentiated again. */
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
                t.grad = t.grad == null ? g : t.grad.add(g);
            }
        });
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

    public final Tensor add(Tensor other) {
        return Elementwise.add(this, other);
    }

    public final Tensor add(double value) {
        return Elementwise.add(this, constant(value));
    }

    public final Tensor sub(Tensor other) {
        return Elementwise.sub(this, other);
    }

    public final Tensor sub(double value) {
        return Elementwise.sub(this, constant(value));
    }

    public final Tensor mul(Tensor other) {
        return Elementwise.mul(this, other);
    }

    public final Tensor mul(double value) {
        return Elementwise.mul(this, constant(value));
    }

    public final Tensor div(Tensor other) {
        return Elementwise.div(this, other);
    }

    public final Tensor div(double value) {
        return Elementwise.div(this, constant(value));
    }

    /** {@code this ^ exponent}, differentiable in both. */
    public final Tensor pow(Tensor exponent) {
        return Elementwise.pow(this, exponent);
    }

    public final Tensor pow(double exponent) {
        return Elementwise.pow(this, constant(exponent));
    }

    /** Element-wise maximum; the gradient goes to {@code this} where it is larger, else to {@code other}. */
    public final Tensor maximum(Tensor other) {
        return Elementwise.maximum(this, other);
    }

    /** Element-wise minimum; the gradient goes to {@code this} where it is smaller, else to {@code other}. */
    public final Tensor minimum(Tensor other) {
        return Elementwise.minimum(this, other);
    }

    public final Tensor neg() {
        return Elementwise.neg(this);
    }

    public final Tensor exp() {
        return Elementwise.exp(this);
    }

    /** Natural logarithm. */
    public final Tensor log() {
        return Elementwise.log(this);
    }

    public final Tensor sqrt() {
        return Elementwise.sqrt(this);
    }

    /** |x|, with gradient 0 at 0. */
    public final Tensor abs() {
        return Elementwise.abs(this);
    }

    /** 1 / (1 + exp(-x)). */
    public final Tensor sigmoid() {
        return Elementwise.sigmoid(this);
    }

    public final Tensor tanh() {
        return Elementwise.tanh(this);
    }

    /** max(x, 0), with gradient 0 at 0. */
    public final Tensor relu() {
        return Elementwise.relu(this);
    }

    /** log(1 + exp(x)), computed stably. */
    public final Tensor softplus() {
        return Elementwise.softplus(this);
    }

    // ---- Reductions and normalizations ----------------------------------------------------

    /** The sum of all elements, a scalar. */
    public final Tensor sum() {
        return Reductions.sum(this);
    }

    /** The sum over one axis, which disappears from the shape. */
    public final Tensor sum(int axis) {
        return Reductions.sum(this, normalizeAxis(axis), false);
    }

    /** The mean of all elements, a scalar. */
    public final Tensor mean() {
        return sum().div(size());
    }

    /** The mean over one axis, which disappears from the shape. */
    public final Tensor mean(int axis) {
        return sum(axis).div(dim(axis));
    }

    /** softmax over the last axis, computed stably (the row maximum subtracted first). */
    public final Tensor softmax() {
        return Reductions.softmax(this);
    }

    /** log(softmax(x)) over the last axis, computed stably. */
    public final Tensor logSoftmax() {
        return Reductions.logSoftmax(this);
    }

    /** The flat (row-major) index of the largest element, an INT64 scalar; ties go to the first. */
    public final Tensor argmax() {
        return Reductions.argExtreme(reshape(size()), 0, true);
    }

    /**
     * The index of the largest element along {@code axis}, which disappears from the shape: for
     * logits [n, classes], {@code argmax(1)} is each row's predicted class. INT64; ties go to the
     * first index, as in PyTorch. Not differentiable.
     */
    public final Tensor argmax(int axis) {
        return Reductions.argExtreme(this, normalizeAxis(axis), true);
    }

    /** The flat index of the smallest element, an INT64 scalar; ties go to the first. */
    public final Tensor argmin() {
        return Reductions.argExtreme(reshape(size()), 0, false);
    }

    /** As {@link #argmax(int)}, for the smallest element. */
    public final Tensor argmin(int axis) {
        return Reductions.argExtreme(this, normalizeAxis(axis), false);
    }

    /**
     * 1 where the elements are equal and 0 elsewhere, broadcasting, in the operands' promoted
     * floating-point type; not differentiable. {@code pred.eq(labels).mean()} is the accuracy.
     */
    public final Tensor eq(Tensor other) {
        try (var noGrad = backprop.autograd.GradMode.disabled()) {
            return Elementwise.zip("eq", this, other, (x, y) -> x == y ? 1 : 0);
        }
    }

    // ---- Linear algebra and shape -------------------------------------------------------

    /** NumPy's matmul for 1-D and 2-D operands; a scalar operand is an error. */
    public final Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /** The inner product of two vectors of one length. */
    public final Tensor dot(Tensor other) {
        return LinearAlgebra.dot(this, other);
    }

    /**
     * The 2-D transpose, as PyTorch's {@code t()}; a vector or scalar is returned unchanged.
     *
     * @throws IllegalArgumentException for more than two dimensions
     */
    public final Tensor t() {
        Checks.require(rank() <= 2, "t: needs a tensor of at most 2 dimensions; got shape %s (use transpose of a reshape)", shape);
        return transpose();
    }

    /** The 2-D transpose; a vector or scalar is returned unchanged, as in NumPy. */
    public final Tensor transpose() {
        return LinearAlgebra.transpose(this);
    }

    /** The same elements in another shape with as many elements. */
    public final Tensor reshape(int... newShape) {
        return Movement.reshape(this, newShape);
    }

    /** Repeats size-1 (or missing leading) dimensions to reach {@code target}, as broadcasting does. */
    public final Tensor expand(int... target) {
        return Movement.expand(this, target);
    }

    /** The gradient-side inverse of broadcasting: sums over the dimensions {@code target} broadcasts. */
    public final Tensor sumTo(int... target) {
        return Movement.sumTo(this, target);
    }

    /** {@code x W^T + b} for x of shape [n, in], W of shape [out, in] and b of shape [out]: one fused op. */
    public final Tensor linear(Tensor weight, Tensor bias) {
        return LinearAlgebra.linear(this, weight, bias);
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
