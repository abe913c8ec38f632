package backprop.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.tensor.Tensor;
import org.junit.jupiter.api.Test;

class AnomalyModeTest {

    @Test
    void namesTheForwardOperationThatFirstMadeANaN() {
        Tensor x = Tensor.vector(1, 0).requiresGrad(true);
        try (var detect = AnomalyMode.enabled()) {
            assertThatThrownBy(() -> x.log().mul(0).sum())
                    .isInstanceOf(AnomalyException.class)
                    .hasMessage("operation 'log' produced a NaN or an infinity from finite inputs in the forward pass");
        }
        assertThat(x.log().mul(2).size()).as("off again outside the scope").isEqualTo(2);
    }

    @Test
    void namesTheBackwardRuleThatFirstMadeAnInfinity() {
        Tensor x = Tensor.scalar(0).requiresGrad(true);
        Tensor y = x.sqrt();                       // finite forward, infinite derivative at 0
        try (var detect = AnomalyMode.enabled()) {
            assertThatThrownBy(y::backward)
                    .isInstanceOf(AnomalyException.class)
                    .hasMessageContaining("the backward rule of operation 'sqrt' produced a NaN or an infinity for its input 1");
        }
    }
}
