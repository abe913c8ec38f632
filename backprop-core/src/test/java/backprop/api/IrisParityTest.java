package backprop.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import backprop.autograd.GradMode;
import backprop.io.SafeTensors;
import backprop.nn.Linear;
import backprop.nn.Loss;
import backprop.nn.ReLU;
import backprop.nn.Sequential;
import backprop.optim.Adam;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The iris loop against PyTorch 1.13 (tools/parity/iris_adam.py): from the same initial weights
 * (PyTorch's, through safetensors), 20 full-batch Adam steps in float64 give the same losses.
 */
class IrisParityTest {

    @AfterEach
    void restoreTheDefaultDType() {
        Tensor.setDefaultDType(DType.FLOAT32);
    }

    @Test
    void twentyAdamStepsEndWithPyTorchsLoss() throws IOException, URISyntaxException {
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/parity/iris-adam.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        Path init = Path.of(getClass().getResource("/parity/iris-init.safetensors").toURI());

        Tensor.setDefaultDType(DType.FLOAT64);
        Tensor x = Tensor.of(IrisLoopTest.features());
        var y = Tensor.of(IrisLoopTest.labels());
        var model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));
        model.loadStateDict(SafeTensors.read(init));
        var opt = new Adam(model.parameters(), golden.get("lr").asDouble());
        for (int step = 0; step < golden.get("steps").asInt(); step++) {
            opt.zeroGrad();
            Tensor loss = Loss.crossEntropy(model.forward(x), y);
            assertThat(loss.item()).as("loss before step %d", step + 1)
                    .isCloseTo(golden.get("losses").get(step).asDouble(), within(1e-9));
            loss.backward();
            opt.step();
        }
        try (var g = GradMode.disabled()) {
            assertThat(Loss.crossEntropy(model.forward(x), y).item()).isCloseTo(golden.get("final_loss").asDouble(), within(1e-5));
        }
    }
}
