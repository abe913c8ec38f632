package backprop.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackwardTest {

    @Test
    void fanOutAddsEveryPathsContribution() {
        // The spec's example: h = x, y = h*x + h gives dy/dh = x + 1 and dy/dx = h + x + 1.
        Tensor x = Tensor.scalar(3).requiresGrad(true);
        Tensor h = x.mul(1).retainGrad();
        Tensor y = h.mul(x).add(h);
        y.backward();
        assertThat(h.grad().item()).isEqualTo(4);
        assertThat(x.grad().item()).isEqualTo(7);
    }

    @Test
    void aDeepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) {
            y = y.add(1e-6).mul(1);
        }
        y.backward();
        assertThat(x.grad().item()).isEqualTo(1);
    }

    @Test
    void aSecondBackwardThroughAFreedGraphIsAnError() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        Tensor y = x.mul(x);
        y.backward();
        assertThatThrownBy(y::backward)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already used by a backward pass");
    }

    @Test
    void aKeptGraphCanBeDifferentiatedAgainAndGradientsAccumulate() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        Tensor y = x.mul(x);
        y.backward(true);
        y.backward(true);
        assertThat(x.grad().item()).isEqualTo(8);
    }

    @Test
    void nothingIsRecordedInsideANoGradScope() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        try (var noGrad = GradMode.disabled()) {
            assertThat(x.mul(x).requiresGrad()).isFalse();
            try (var inner = GradMode.enabled()) {
                assertThat(x.mul(x).requiresGrad()).isTrue();
            }
            assertThat(GradMode.isEnabled()).isFalse();
        }
        assertThat(GradMode.isEnabled()).isTrue();
    }

    @Test
    void backwardNeedsAScalar() {
        Tensor x = Tensor.vector(1, 2).requiresGrad(true);
        assertThatThrownBy(() -> x.mul(2).backward()).hasMessageContaining("the output must be a scalar");
    }

    @Test
    void theListenerSeesEveryRuleInBackpropagationOrder() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        Tensor y = x.exp().log().neg();
        List<String> ops = new ArrayList<>();
        Backward.run(y, (out, grads) -> ops.add(out.origin().op()));
        assertThat(ops).containsExactly("neg", "log", "exp");
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = Tensor.scalar(2).requiresGrad(true);
        Tensor y = x.mul(x.detach());
        y.backward();
        assertThat(x.grad().item()).isEqualTo(2);
    }
}
