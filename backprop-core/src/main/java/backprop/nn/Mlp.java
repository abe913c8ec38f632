package backprop.nn;

import backprop.internal.Checks;
import backprop.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The architecture of a multilayer perceptron
 * {@code z = W_L act(... act(W_1 x + b_1) ...) + b_L}: what the command line's model options
 * describe (and what model.json stored up to format version 1), and what {@link #build} turns
 * into a network. No hidden layers is logistic (or linear) regression.
 *
 * @param inputs the width of an input row
 * @param hidden the widths of the hidden layers, input side first; empty for none
 * @param outputs the width of the output: the number of classes, or of regression targets
 * @param activation the nonlinearity after every hidden layer
 * @param dropout the probability of dropping a hidden activation during training; 0 for none
 * @param init how every layer's weights and biases start
 */
public record Mlp(int inputs, List<Integer> hidden, int outputs, Activation activation, double dropout, Init init) {

    /**
     * With PyTorch's default initialization.
     *
     * @param inputs &gt; 0
     * @param hidden each &gt; 0; copied
     * @param outputs &gt; 0
     * @param activation the nonlinearity after every hidden layer
     * @param dropout in [0, 1)
     * @throws IllegalArgumentException for a value out of its range
     */
    public Mlp(int inputs, List<Integer> hidden, int outputs, Activation activation, double dropout) {
        this(inputs, hidden, outputs, activation, dropout, Init.PYTORCH);
    }

    /**
     * Checks the ranges and copies {@code hidden}.
     *
     * @param inputs &gt; 0
     * @param hidden each &gt; 0; copied
     * @param outputs &gt; 0
     * @param activation the nonlinearity after every hidden layer
     * @param dropout in [0, 1)
     * @param init not null
     * @throws IllegalArgumentException for a value out of its range or a null {@code init}
     */
    public Mlp {
        hidden = List.copyOf(hidden);
        Checks.require(inputs > 0, "inputs must be > 0; got %d", inputs);
        Checks.require(outputs > 0, "outputs must be > 0; got %d", outputs);
        for (int width : hidden) {
            Checks.require(width > 0, "hidden layer widths must be > 0; got %s", hidden);
        }
        Checks.require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1); got %s", dropout);
        Checks.require(init != null, "init must be given");
    }

    /**
     * The network as layers, {@code Linear, activation[, Dropout]} per hidden width, then the
     * output {@code Linear}, every one with a bias: what {@link #build} builds and what a model
     * file of format version 2 records.
     *
     * @return a new description; nothing is allocated
     */
    public LayerSpec.SequentialSpec spec() {
        List<LayerSpec> layers = new ArrayList<>();
        int width = inputs;
        for (int next : hidden) {
            layers.add(new LayerSpec.LinearSpec(width, next, true));
            layers.add(new LayerSpec.ActivationSpec(activation));
            if (dropout > 0) {
                layers.add(new LayerSpec.DropoutSpec(dropout));
            }
            width = next;
        }
        layers.add(new LayerSpec.LinearSpec(width, outputs, true));
        return new LayerSpec.SequentialSpec(layers);
    }

    /**
     * A fresh network of {@link #spec()}'s layers, initialized by {@link #init()}. Weights come
     * from {@code initRng}, layer by layer; dropout masks from {@code dropoutRng}.
     *
     * @param dtype FLOAT32 or FLOAT64, the parameters' dtype
     * @param initRng the source of the initial weights and biases, advanced by every draw
     * @param dropoutRng the source of the dropout masks, shared by every dropout layer; unused
     *     without dropout
     * @return a new network in training mode whose parameters are named as {@link #spec()}'s
     * @throws IllegalArgumentException for INT64
     */
    public Sequential build(DType dtype, RandomGenerator initRng, RandomGenerator dropoutRng) {
        return spec().build(dtype, init, initRng, dropoutRng);
    }
}
