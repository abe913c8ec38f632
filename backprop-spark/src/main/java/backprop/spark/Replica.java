package backprop.spark;

import backprop.nn.Dropout;
import backprop.nn.Init;
import backprop.nn.LayerSpec;
import backprop.nn.Module;
import backprop.nn.ParameterVector;
import backprop.tensor.DType;
import backprop.train.Objective;
import java.io.Serializable;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What an executor needs to rebuild the driver's network: the architecture and the objective, as
 * plain serializable values (core's {@link LayerSpec} records do not travel; their JSON-able map,
 * the form model.json holds, does). The weights travel separately, as a {@link ParameterVector}
 * broadcast for each epoch.
 */
final class Replica implements Serializable {
    private static final long serialVersionUID = 2L;

    private final Map<String, Object> architecture;
    private final Objective objective;

    Replica(LayerSpec architecture, Objective objective) {
        this.architecture = architecture.toMap();
        this.objective = objective;
    }

    Objective objective() {
        return objective;
    }

    /**
     * The network with {@code weights}, in training mode, its dropout modules reseeded from
     * {@code dropoutSeed} (each from its own stream).
     */
    Module network(float[] weights, long dropoutSeed) {
        // Initialization is irrelevant: every weight is overwritten at once.
        Module net = LayerSpec.fromMap(architecture, "architecture")
                .build(DType.FLOAT32, Init.PYTORCH, new SplittableRandom(0), new SplittableRandom(0));
        ParameterVector.setValues(net.parameters(), weights);
        reseed(net, dropoutSeed);
        net.train();
        return net;
    }

    /** Reseeds the dropout modules of {@code net} from {@code dropoutSeed}, each from its own stream. */
    static void reseed(Module net, long dropoutSeed) {
        SplittableRandom seeds = new SplittableRandom(dropoutSeed);
        for (Dropout d : net.modules(Dropout.class)) {
            d.reseed(seeds.nextLong());
        }
    }
}
