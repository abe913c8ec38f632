package backprop.nn;

import backprop.tensor.Tensor;
import java.util.List;

/** Modules applied one after the other; children are named {@code 0}, {@code 1}, ... as in PyTorch. */
public final class Sequential extends Module {
    private final List<Module> layers;

    private Sequential(List<Module> layers) {
        this.layers = List.copyOf(layers);
        for (int i = 0; i < layers.size(); i++) {
            child(Integer.toString(i), layers.get(i));
        }
    }

    public static Sequential of(Module... layers) {
        return new Sequential(List.of(layers));
    }

    public static Sequential of(List<Module> layers) {
        return new Sequential(layers);
    }

    public List<Module> layers() {
        return layers;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = x;
        for (Module layer : layers) {
            out = layer.forward(out);
        }
        return out;
    }
}
