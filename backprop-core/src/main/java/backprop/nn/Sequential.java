package backprop.nn;

import backprop.internal.Checks;
import backprop.tensor.Tensor;
import java.util.Iterator;
import java.util.List;

/**
 * Modules applied one after the other, as PyTorch's {@code nn.Sequential}; the children are
 * named {@code 0}, {@code 1}, ..., so the parameters are {@code 0.weight}, {@code 0.bias}, ...
 */
public final class Sequential extends Module implements Iterable<Module> {
    private final List<Module> layers;

    /**
     * The layers, applied in this order.
     *
     * @param layers the children, named {@code 0}, {@code 1}, ...; none for the identity
     * @throws NullPointerException for a null layer
     */
    public Sequential(Module... layers) {
        this(List.of(layers));
    }

    /**
     * The layers, applied in the list's order.
     *
     * @param layers the children, named {@code 0}, {@code 1}, ...; copied
     * @throws NullPointerException for a null layer
     */
    public Sequential(List<? extends Module> layers) {
        this.layers = List.copyOf(layers);
        for (int i = 0; i < this.layers.size(); i++) {
            child(Integer.toString(i), this.layers.get(i));
        }
    }

    /**
     * The same as {@code new Sequential(layers)}, as {@code torch.nn.Sequential(*layers)}.
     *
     * @param layers the children, in order
     * @return a new network over {@code layers}
     */
    public static Sequential of(Module... layers) {
        return new Sequential(layers);
    }

    /**
     * The same as {@code new Sequential(layers)}.
     *
     * @param layers the children, in order; copied
     * @return a new network over {@code layers}
     */
    public static Sequential of(List<? extends Module> layers) {
        return new Sequential(layers);
    }

    /** {@return the layers, in order (unmodifiable)} */
    public List<Module> layers() {
        return layers;
    }

    /** {@return the number of layers, PyTorch's {@code len(model)}} */
    public int size() {
        return layers.size();
    }

    /**
     * The layer at {@code index}, as PyTorch's {@code model[index]}.
     *
     * @param index in {@code [0, size())}; negative indices are not supported
     * @return the layer itself, not a copy
     * @throws IllegalArgumentException for an index out of range
     */
    public Module get(int index) {
        Checks.require(index >= 0 && index < layers.size(), "Sequential: index %d is out of range for %d layers", index, layers.size());
        return layers.get(index);
    }

    /**
     * The layer at {@code index} as the type the caller expects: {@code model.get(0, Linear.class).weight()}.
     *
     * @param <M> the layer's expected type
     * @param index in {@code [0, size())}
     * @param type the class the layer must be an instance of
     * @return the layer itself, cast
     * @throws IllegalArgumentException for an index out of range, or a layer of another type
     */
    public <M extends Module> M get(int index, Class<M> type) {
        Module m = get(index);
        Checks.require(type.isInstance(m), "Sequential: layer %d is a %s, not a %s", index,
                m.getClass().getSimpleName(), type.getSimpleName());
        return type.cast(m);
    }

    /** The layers, in order. */
    @Override
    public Iterator<Module> iterator() {
        return layers.iterator();
    }

    /** Each layer applied to the previous one's output, the first to {@code x}. */
    @Override
    public Tensor forward(Tensor x) {
        Tensor out = x;
        for (int i = 0; i < layers.size(); i++) {
            Module layer = layers.get(i);
            if (layer instanceof Linear linear && i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU) {
                out = out.linearRelu(linear.weight(), linear.bias());   // one pass for the bias and the ReLU
                i++;
            } else {
                out = layer.forward(out);
            }
        }
        return out;
    }
}
