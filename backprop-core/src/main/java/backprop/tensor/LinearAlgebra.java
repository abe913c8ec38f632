package backprop.tensor;

import backprop.autograd.Node;
import backprop.internal.Checks;
import backprop.internal.DirectRule;
import backprop.kernels.Kernels;
import backprop.kernels.Loops;
import java.util.List;

/** Matrix products and the transpose, on the GEMM of {@link Kernels}. */
final class LinearAlgebra {
    private LinearAlgebra() {}

    /** NumPy's matmul for 1-D and 2-D operands: vectors become a row (left) or a column (right), then drop out. */
    static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0 || a.rank() > 2 || b.rank() > 2) {
            throw new ShapeMismatchException("matmul: operands must be vectors or matrices; got %s @ %s"
                    .formatted(Shapes.format(a.shape()), Shapes.format(b.shape())));
        }
        int inner = a.dim(-1);
        int innerB = b.rank() == 1 ? b.dim(0) : b.dim(0);
        if (inner != innerB) {
            throw new ShapeMismatchException("matmul: inner dimensions must agree; got %s @ %s (%d != %d)"
                    .formatted(Shapes.format(a.shape()), Shapes.format(b.shape()), inner, innerB));
        }
        Tensor a2 = a.rank() == 1 ? a.reshape(1, inner) : a;
        Tensor b2 = b.rank() == 1 ? b.reshape(inner, 1) : b;
        Tensor product = matmul2d(a2, b2);
        if (a.rank() == 2 && b.rank() == 2) {
            return product;
        }
        if (a.rank() == 2) {
            return product.reshape(a.dim(0));
        }
        return b.rank() == 2 ? product.reshape(b.dim(1)) : product.reshape();
    }

    private static Tensor matmul2d(Tensor a, Tensor b) {
        Tensor out = gemm(false, false, a, b);
        return Node.record("matmul", out, List.of(a, b), (i, g) -> i == 0
                ? gemm(false, true, g, b)                                  // d(AB)/dA: G B^T
                : gemm(true, false, a, g));                                // d(AB)/dB: A^T G
    }

    static Tensor dot(Tensor u, Tensor v) {
        if (u.rank() != 1 || v.rank() != 1 || u.size() != v.size()) {
            throw new ShapeMismatchException("dot: needs two vectors of one length; got %s and %s"
                    .formatted(Shapes.format(u.shape()), Shapes.format(v.shape())));
        }
        return u.mul(v).sum();
    }

    static Tensor transpose(Tensor a) {
        if (a.rank() < 2) {
            return a;
        }
        Checks.require(a.rank() == 2, "transpose: needs a tensor of at most 2 dimensions; got shape %s", a.shape());
        int rows = a.dim(0);
        int cols = a.dim(1);
        Tensor out = Results.uninitialized(a.dtype(), cols, rows);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out.setFlat(c * rows + r, a.getFlat(r * cols + c));
            }
        }
        return Node.record("transpose", out, List.of(a), (i, g) -> g.transpose());
    }

    /** {@code y = x W^T + b}: x [n, in], W [out, in] (PyTorch's layout), b [out] or null. */
    static Tensor linear(Tensor x, Tensor w, Tensor b) {
        checkLinear(x, w, b);
        Tensor out = gemm(false, true, x, w);
        if (b != null) {
            addRowVector(out, b);
        }
        return Node.record("linear", out, linearInputs(x, w, b), new LinearRule(x, w, null));
    }

    /** {@code relu(x W^T + b)}; the backward masks the gradient once by the output's sign, for all three inputs. */
    static Tensor linearRelu(Tensor x, Tensor w, Tensor b) {
        checkLinear(x, w, b);
        Tensor out = gemm(false, true, x, w);
        if (out.f != null && b == null) {
            Loops.relu(out.f, out.f, out.f.length);
        } else if (out.f != null && b.f != null) {
            Loops.biasRelu(out.f, b.f, out.dim(0));
        } else {
            if (b != null) {
                addRowVector(out, b);
            }
            out = Elementwise.reluValues(out);
        }
        return Node.record("linear_relu", out, linearInputs(x, w, b), new LinearRule(x, w, out));
    }

    private static void checkLinear(Tensor x, Tensor w, Tensor b) {
        if (x.rank() != 2 || w.rank() != 2 || x.dim(1) != w.dim(1)) {
            throw new ShapeMismatchException("linear: needs x [n, in] and weight [out, in]; got x %s and weight %s"
                    .formatted(Shapes.format(x.shape()), Shapes.format(w.shape())));
        }
        if (b != null && (b.rank() != 1 || b.dim(0) != w.dim(0))) {
            throw new ShapeMismatchException("linear: bias must have shape [%d]; got %s"
                    .formatted(w.dim(0), Shapes.format(b.shape())));
        }
    }

    private static List<Tensor> linearInputs(Tensor x, Tensor w, Tensor b) {
        return b == null ? List.of(x, w) : List.of(x, w, b);
    }

    /**
     * The backward rule of {@code x W^T + b}, and of its ReLU when {@code y}, the ReLU's output, is
     * given: the gradient is then masked once by y's sign, for all three inputs. It writes the
     * weight and bias gradients straight into a leaf's gradient storage when the engine asks.
     */
    private static final class LinearRule implements DirectRule {
        private final Tensor x;
        private final Tensor w;
        private final Tensor y;
        private Tensor maskedFrom;   // the output gradient that masked was made from
        private Tensor masked;

        LinearRule(Tensor x, Tensor w, Tensor y) {
            this.x = x;
            this.w = w;
            this.y = y;
        }

        @Override
        public Tensor gradient(int input, Tensor gradOfOutput) {
            Tensor g = masked(gradOfOutput);
            return switch (input) {
                case 0 -> gemm(false, false, g, w);                        // dy/dx: G W
                case 1 -> gemm(true, false, g, x);                         // dy/dW: G^T x
                default -> Reductions.sum(g, 0, false);                    // dy/db: column sums of G
            };
        }

        @Override
        public boolean gradientInto(int input, Tensor gradOfOutput, Tensor dst) {
            Tensor g = masked(gradOfOutput);
            return switch (input) {
                case 0 -> gemmInto(false, false, g, w, dst);
                case 1 -> gemmInto(true, false, g, x, dst);
                default -> g.dtype() == dst.dtype() && Reductions.sumInto(g, 0, dst);
            };
        }

        private Tensor masked(Tensor g) {
            if (y == null) {
                return g;
            }
            if (maskedFrom != g) {
                maskedFrom = g;
                masked = Elementwise.reluGradient(g, y);                   // y > 0 exactly where x W^T + b > 0
            }
            return masked;
        }
    }

    /** Adds {@code b} to every row of {@code out}, in place (out is fresh, not yet in any graph). */
    private static void addRowVector(Tensor out, Tensor b) {
        int n = b.size();
        if (out.f != null && b.f != null) {
            for (int r = 0; r < out.f.length; r += n) {
                for (int j = 0; j < n; j++) {
                    out.f[r + j] += b.f[j];
                }
            }
        } else {
            for (int r = 0; r < out.size(); r += n) {
                for (int j = 0; j < n; j++) {
                    out.setFlat(r + j, out.getFlat(r + j) + b.getFlat(j));
                }
            }
        }
    }

    /** op(A) op(B) into a new tensor, in the promoted dtype. */
    static Tensor gemm(boolean transA, boolean transB, Tensor a, Tensor b) {
        int m = transA ? a.dim(1) : a.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        Tensor out = Results.uninitialized(DType.promote(a.dtype(), b.dtype()), m, n);   // beta = 0 overwrites every element
        gemmInto(transA, transB, a, b, out);
        return out;
    }

    /**
     * op(A) op(B) written over {@code out}, when out has the product's shape and the promoted dtype.
     *
     * @return false, with out untouched, when it has not
     */
    private static boolean gemmInto(boolean transA, boolean transB, Tensor a, Tensor b, Tensor out) {
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int n = transB ? b.dim(0) : b.dim(1);
        DType dtype = DType.promote(a.dtype(), b.dtype());
        if (out.dtype() != dtype || out.rank() != 2 || out.dim(0) != m || out.dim(1) != n) {
            return false;
        }
        Kernels kernels = Kernels.forShape(dtype == DType.FLOAT64, transA, transB, m, n, k);
        if (dtype == DType.FLOAT32) {   // beta = 0 clears C first, NaN included: its old contents do not matter
            kernels.sgemm(transA, transB, m, n, k, a.to(dtype).f, b.to(dtype).f, 0f, out.f);   // labels meet weights as floats
        } else {
            kernels.dgemm(transA, transB, m, n, k, a.to(dtype).d, b.to(dtype).d, 0.0, out.d);
        }
        return true;
    }
}
