package backprop.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.Random;
import backprop.io.SafeTensors;
import backprop.tensor.DType;
import backprop.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleStateTest {

    /** One of every module type the library offers, nested Sequential included. */
    private static final List<Supplier<Module>> EVERY_TYPE = List.of(
            () -> new Linear(3, 4),
            () -> new Linear(3, 4, false),
            () -> new Linear(3, 2, true, Init.XAVIER, DType.FLOAT64, Random.split()),
            ReLU::new, Sigmoid::new, Tanh::new, Softplus::new,
            () -> new Dropout(0.3),
            () -> new Sequential(new Linear(3, 5), new Tanh(), new Dropout(0.1),
                    new Sequential(new Linear(5, 5, false), new Softplus()), new Linear(5, 2)));

    @Test
    void everyModuleTypeRoundTripsItsStateBitForBitThroughSafetensors(@TempDir Path dir) {
        for (Supplier<Module> make : EVERY_TYPE) {
            Random.manualSeed(1);
            Module source = make.get();
            Random.manualSeed(2);
            Module target = make.get();
            Path file = dir.resolve("state.safetensors");
            SafeTensors.write(file, source.stateDict());
            target.loadStateDict(SafeTensors.read(file));
            assertThat(target.stateDict().keySet()).containsExactlyElementsOf(source.stateDict().keySet());
            source.stateDict().forEach((name, t) -> {
                assertThat(target.stateDict().get(name).dtype()).isEqualTo(t.dtype());
                assertThat(target.stateDict().get(name).toDoubleArray()).as(name).containsExactly(t.toDoubleArray());
            });
        }
    }

    @Test
    void stateDictNamesFollowPyTorchs() {
        var model = new Sequential(new Linear(4, 8), new ReLU(), new Sequential(new Linear(8, 8, false)), new Linear(8, 3));
        assertThat(model.stateDict().keySet()).containsExactly("0.weight", "0.bias", "2.0.weight", "3.weight", "3.bias");
        assertThat(model.stateDict().get("0.weight").shape()).containsExactly(8, 4);
    }

    @Test
    void aStrictLoadNamesTheMissingTheUnexpectedAndTheWrongShapeInOneMessage() {
        var model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
        Map<String, Tensor> state = new LinkedHashMap<>(model.stateDict());
        state.remove("0.bias");
        state.put("1.weight", Tensor.zeros(DType.FLOAT32, 2));
        state.put("2.weight", Tensor.zeros(DType.FLOAT32, 3, 7));
        Tensor before = model.stateDict().get("2.bias").copy();
        state.put("2.bias", Tensor.ones(DType.FLOAT32, 3));

        assertThatThrownBy(() -> model.loadStateDict(state)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loadStateDict: the state does not fit this module: missing [0.bias]; unexpected [1.weight]; "
                        + "wrong shape [2.weight (got [3, 7], expected [3, 8])]");
        assertThat(model.stateDict().get("2.bias").toDoubleArray()).as("nothing copied").containsExactly(before.toDoubleArray());

        Module.LoadResult lenient = model.loadStateDict(state, false);
        assertThat(lenient.missing()).containsExactly("0.bias");
        assertThat(lenient.unexpected()).containsExactly("1.weight");
        assertThat(lenient.wrongShape()).containsExactly("2.weight");
        assertThat(model.stateDict().get("2.bias").toDoubleArray()).as("what fits is copied").containsOnly(1.0);
    }

    @Test
    void theSeedMakesLayersReproducibleAsTorchManualSeed() {
        Random.manualSeed(42);
        Linear a = new Linear(5, 3);
        Random.manualSeed(42);
        Linear b = new Linear(5, 3);
        assertThat(b.weight().toDoubleArray()).containsExactly(a.weight().toDoubleArray());
        double bound = 1 / Math.sqrt(5);
        for (double w : a.weight().toDoubleArray()) {
            assertThat(Math.abs(w)).isLessThanOrEqualTo(bound);
        }
        assertThat(new Linear(5, 3).weight().toDoubleArray()).isNotEqualTo(a.weight().toDoubleArray());
    }

    @Test
    void zeroGradTrainEvalAndPrinting() {
        var model = new Sequential(new Linear(2, 3), new ReLU(), new Dropout(0.5), new Linear(3, 1, false));
        model.forward(Tensor.of(new double[][] {{1, 2}})).sum().backward();
        assertThat(model.parameters()).allSatisfy(p -> assertThat(p.grad()).isNotNull());
        model.zeroGrad();
        assertThat(model.parameters()).allSatisfy(p -> assertThat(p.grad()).isNull());
        model.eval();
        assertThat(model.modules()).allSatisfy(m -> assertThat(m.isTraining()).isFalse());
        model.train();
        assertThat(model.get(2, Dropout.class).isTraining()).isTrue();
        assertThat(model.get(0, Linear.class).outFeatures()).isEqualTo(3);
        assertThatThrownBy(() -> model.get(1, Linear.class)).hasMessage("Sequential: layer 1 is a ReLU, not a Linear");
        assertThat(model).hasToString("""
                Sequential(
                  (0): Linear(in_features=2, out_features=3, bias=true)
                  (1): ReLU()
                  (2): Dropout(p=0.5)
                  (3): Linear(in_features=3, out_features=1, bias=false)
                )""");
    }
}
