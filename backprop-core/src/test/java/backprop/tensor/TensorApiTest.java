package backprop.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The parts of Tensor a PyTorch user reaches for first: factories, labels, argmax, t(), printing. */
class TensorApiTest {

    @Test
    void rowsBecomeAMatrixInTheDefaultDTypeAndLabelsAnInt64Vector() {
        Tensor x = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(x.shape()).containsExactly(2, 3);
        assertThat(x.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.of(DType.FLOAT64, new double[][] {{1.5}}).dtype()).isEqualTo(DType.FLOAT64);
        Tensor y = Tensor.of(2, 0, 1);
        assertThat(y.dtype()).isEqualTo(DType.INT64);
        assertThat(y.toIntArray()).containsExactly(2, 0, 1);
        assertThatThrownBy(() -> y.requiresGrad(true))
                .hasMessage("requiresGrad: only floating-point tensors can require a gradient; this one is INT64");
        assertThatThrownBy(() -> Tensor.of(DType.INT64, new double[] {1.5}, 1))
                .hasMessage("tensor: an INT64 tensor holds whole numbers up to 2^53; got 1.5 at 0");
    }

    @Test
    void argmaxArgminAndAccuracyAsInPyTorch() {
        Tensor z = Tensor.matrix(new double[][] {{0.1, 2, 2}, {5, -1, 0}, {-3, -2, -1}});
        assertThat(z.argmax(1).toIntArray()).containsExactly(1, 0, 2);   // ties to the first
        assertThat(z.argmin(1).toIntArray()).containsExactly(0, 1, 0);
        assertThat(z.argmax(0).toIntArray()).containsExactly(1, 0, 0);
        assertThat(z.argmax().item()).isEqualTo(3);
        assertThat(z.argmax(1).eq(Tensor.of(1, 1, 2)).mean().item()).isEqualTo(2.0 / 3);
    }

    @Test
    void tTransposesMatricesAndRefusesMoreDimensions() {
        Tensor m = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(m.t().shape()).containsExactly(3, 2);
        assertThat(m.t().get(2, 1)).isEqualTo(6);
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT32, 2, 2, 2).t())
                .hasMessage("t: needs a tensor of at most 2 dimensions; got shape [2, 2, 2] (use transpose of a reshape)");
    }

    @Test
    void printsAsPyTorchPrints() {
        assertThat(Tensor.scalar(0.5)).hasToString("tensor(0.5000, dtype=float64)");
        assertThat(Tensor.of(new double[] {1, -2.5})).hasToString("tensor([ 1.0000, -2.5000])");
        assertThat(Tensor.of(new double[][] {{1, 2}, {3, 4}})).hasToString("tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]])");
        assertThat(Tensor.of(3, 1)).hasToString("tensor([3, 1], dtype=int64)");
        assertThat(Tensor.vector(1e-6, 1).requiresGrad(true)).hasToString("tensor([1.0000e-06, 1.0000e+00], dtype=float64, requires_grad=true)");
        Tensor y = Tensor.scalar(2).requiresGrad(true).mul(3);
        assertThat(y).hasToString("tensor(6.0000, dtype=float64, grad_fn=<mul>)");
        assertThat(Tensor.zeros(DType.FLOAT32, 2000).toString()).startsWith("tensor([0.0000, 0.0000, 0.0000, ..., 0.0000, 0.0000, 0.0000])");
    }

    @Test
    void aGradientMeetsItsTensorsDType() {
        Parameter w = Parameter.of(Tensor.of(new double[] {1, 2}));   // float32
        Tensor x = Tensor.vector(3, 4);                                 // float64
        w.mul(x).sum().backward();
        assertThat(w.grad().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(w.grad().toDoubleArray()).containsExactly(3, 4);
        assertThatThrownBy(() -> w.setGrad(Tensor.vector(1, 2, 3)))
                .hasMessageStartingWith("setGrad: the gradient must have shape [2] and dtype FLOAT32 like the tensor");
    }

    @Test
    void int64StaysWholeAndMeetsFloatsAsAFloat() {
        assertThat(Tensor.vector(2.7, -2.7).to(DType.INT64).toIntArray()).containsExactly(2, -2);
        assertThatThrownBy(() -> Tensor.full(DType.INT64, 0.5, 2)).hasMessage("full: an INT64 tensor holds whole numbers; got 0.5");
        assertThatThrownBy(() -> Tensor.randn(new java.util.SplittableRandom(1), DType.INT64, 2))
                .hasMessage("randn: needs FLOAT32 or FLOAT64; got INT64");
        Tensor w = Tensor.of(new double[][] {{1, 2}, {3, 4}});   // float32
        Tensor x = Tensor.of(DType.INT64, new double[] {1, 1}, 1, 2);
        assertThat(x.matmul(w).toDoubleArray()).containsExactly(4, 6);
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT32, 2, 2, 2).transpose())
                .hasMessage("transpose: needs a tensor of at most 2 dimensions; got shape [2, 2, 2]");
    }
}
