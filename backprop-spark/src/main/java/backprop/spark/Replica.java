package backprop.spark;

import backprop.nn.Activation;
import backprop.nn.Dropout;
import backprop.nn.Mlp;
import backprop.nn.Module;
import backprop.nn.ParameterVector;
import backprop.nn.Sequential;
import backprop.tensor.DType;
import backprop.train.Objective;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What an executor needs to rebuild the driver's network: the architecture and the objective, as
 * plain serializable values (core's {@link Mlp} is a record that does not travel). The weights
 * travel separately, as a {@link ParameterVector} broadcast for each epoch.
 */
final class Replica implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int inputs;
    private final int[] hidden;
    private final int outputs;
    private final Activation activation;
    private final double dropout;
    private final Objective objective;

    Replica(Mlp mlp, Objective objective) {
        this.inputs = mlp.inputs();
        this.hidden = mlp.hidden().stream().mapToInt(Integer::intValue).toArray();
        this.outputs = mlp.outputs();
        this.activation = mlp.activation();
        this.dropout = mlp.dropout();
        this.objective = objective;
    }

    Objective objective() {
        return objective;
    }

    /**
     * The network with {@code weights}, in training mode, its dropout modules reseeded from
     * {@code dropoutSeed} (each from its own stream).
     */
    Sequential network(float[] weights, long dropoutSeed) {
        List<Integer> widths = java.util.Arrays.stream(hidden).boxed().toList();
        // Initialization is irrelevant: every weight is overwritten at once.
        Sequential net = new Mlp(inputs, widths, outputs, activation, dropout)
                .build(DType.FLOAT32, new SplittableRandom(0), new SplittableRandom(0));
        ParameterVector.setValues(net.parameters(), weights);
        reseed(net, dropoutSeed);
        net.train();
        return net;
    }

    /** Reseeds the dropout modules of {@code net} from {@code dropoutSeed}, each from its own stream. */
    static void reseed(Sequential net, long dropoutSeed) {
        SplittableRandom seeds = new SplittableRandom(dropoutSeed);
        for (Dropout d : dropouts(net)) {
            d.reseed(seeds.nextLong());
        }
    }

    private static List<Dropout> dropouts(Sequential net) {
        List<Dropout> found = new ArrayList<>();
        for (Module m : net.modules()) {
            if (m instanceof Dropout d) {
                found.add(d);
            }
        }
        return found;
    }
}
