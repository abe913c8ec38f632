package backprop.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact forward values and gradients on tiny cases, one behaviour each. */
class TensorTest {

    @Test
    void broadcastsAColumnAgainstARow() {
        Tensor col = Tensor.matrix(new double[][] {{1}, {2}});
        Tensor row = Tensor.matrix(new double[][] {{10, 20, 30}});
        Tensor sum = col.add(row);
        assertThat(sum.shape()).containsExactly(2, 3);
        assertThat(sum.toDoubleArray()).containsExactly(11, 21, 31, 12, 22, 32);
    }

    @Test
    void broadcastGradientIsSummedBackToTheInputShape() {
        Tensor col = Tensor.matrix(new double[][] {{1}, {2}}).requiresGrad(true);
        Tensor row = Tensor.vector(10, 20, 30).requiresGrad(true);
        col.mul(row).sum().backward();
        assertThat(col.grad().toDoubleArray()).containsExactly(60, 60);
        assertThat(row.grad().toDoubleArray()).containsExactly(3, 3, 3);
        assertThat(row.grad().shape()).containsExactly(3);
    }

    @Test
    void incompatibleShapesNameBothShapes() {
        assertThatThrownBy(() -> Tensor.vector(1, 2).add(Tensor.vector(1, 2, 3)))
                .isInstanceOf(ShapeMismatchException.class)
                .hasMessage("add: shapes [2] and [3] do not broadcast (2 vs 3 in dimension 0)");
        assertThatThrownBy(() -> Tensor.matrix(new double[][] {{1, 2, 3}}).matmul(Tensor.vector(1, 2)))
                .hasMessage("matmul: inner dimensions must agree; got [1, 3] @ [2] (3 != 2)");
    }

    @Test
    void matmulFollowsNumPyForVectors() {
        Tensor m = Tensor.matrix(new double[][] {{1, 2}, {3, 4}});
        Tensor v = Tensor.vector(1, 1);
        assertThat(m.matmul(v).toDoubleArray()).containsExactly(3, 7);
        assertThat(v.matmul(m).toDoubleArray()).containsExactly(4, 6);
        assertThat(v.matmul(v).shape()).isEmpty();
        assertThat(v.matmul(v).item()).isEqualTo(2);
        assertThatThrownBy(() -> Tensor.scalar(2).matmul(m)).hasMessageContaining("matmul: operands must be vectors or matrices");
    }

    @Test
    void nonSmoothPointsGiveZeroGradient() {
        Tensor x = Tensor.scalar(0).requiresGrad(true);
        x.relu().add(x.abs()).add(x.maximum(Tensor.scalar(0))).backward();
        assertThat(x.grad().item()).isZero();
    }

    @Test
    void maxRoutesTiesToTheSecondOperandAndMinLikewise() {
        Tensor a = Tensor.scalar(1).requiresGrad(true);
        Tensor b = Tensor.scalar(1).requiresGrad(true);
        a.maximum(b).add(a.minimum(b).mul(10)).backward();
        assertThat(a.grad().item()).isZero();
        assertThat(b.grad().item()).isEqualTo(11);
    }

    @Test
    void sigmoidDerivativeIsSTimesOneMinusS() {
        for (double v : new double[] {-2, 0, 0.5, 3}) {
            Tensor x = Tensor.scalar(v).requiresGrad(true);
            Tensor s = x.sigmoid();
            s.backward();
            double expected = s.item() * (1 - s.item());
            assertThat(x.grad().item()).isCloseTo(expected, within(1e-15));
        }
    }

    @Test
    void softmaxAndLogSoftmaxAreStableForHugeLogits() {
        Tensor z = Tensor.vector(1000, 0, -1000);
        assertThat(z.softmax().toDoubleArray()).containsExactly(1, 0, 0);
        assertThat(z.logSoftmax().toDoubleArray()).containsExactly(0, -1000, -2000);
        assertThat(Tensor.scalar(1000).softplus().item()).isEqualTo(1000);
        assertThat(Tensor.scalar(-1000).softplus().item()).isZero();
    }

    @Test
    void powDifferentiatesBothOperands() {
        Tensor a = Tensor.scalar(2).requiresGrad(true);
        Tensor b = Tensor.scalar(3).requiresGrad(true);
        a.pow(b).backward();
        assertThat(a.grad().item()).isEqualTo(12);                 // b a^(b-1)
        assertThat(b.grad().item()).isCloseTo(8 * Math.log(2), within(1e-14));
    }

    @Test
    void squaringANegativeBaseNeverTouchesTheLogarithm() {
        Tensor a = Tensor.scalar(-3).requiresGrad(true);
        a.pow(2).backward();
        assertThat(a.grad().item()).isEqualTo(-6);
    }

    @Test
    void stackOfScalarsIsADifferentiableVector() {
        Tensor a = Tensor.scalar(2).requiresGrad(true);
        Tensor v = Tensor.stack(List.of(a, a.mul(a), Tensor.scalar(5)));
        assertThat(v.toDoubleArray()).containsExactly(2, 4, 5);
        v.mul(Tensor.vector(1, 10, 100)).sum().backward();
        assertThat(a.grad().item()).isEqualTo(1 + 10 * 4);
    }

    @Test
    void float32StaysFloat32AndMixedOperandsMeetInFloat64() {
        Tensor f = Tensor.of(DType.FLOAT32, new double[] {1, 2}, 2);
        assertThat(f.mul(2).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f.add(Tensor.vector(1, 1)).dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void parameterRefusesInPlaceChangeWhileRecording() {
        Parameter p = Parameter.of(Tensor.vector(1, 2));
        assertThatThrownBy(() -> p.copyFrom(Tensor.vector(3, 4))).isInstanceOf(IllegalStateException.class);
        try (var noGrad = backprop.autograd.GradMode.disabled()) {
            p.copyFrom(Tensor.vector(3, 4));
        }
        assertThat(p.toDoubleArray()).containsExactly(3, 4);
    }
}
