package backprop.nn;

import backprop.internal.Checks;
import backprop.tensor.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The architecture of a multilayer perceptron
 * {@code z = W_L act(... act(W_1 x + b_1) ...) + b_L}: what model.json stores, and what
 * {@link #build} turns into a network. No hidden layers is logistic (or linear) regression.
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
     * The names and shapes of the parameters {@link #build} makes, in its order, computed without
     * allocating them: what a model file's weights are checked against before the network is built.
     *
     * @return a new map from dotted name ({@code 0.weight}, {@code 0.bias}, ...) to shape: [out, in]
     *     for a weight, [out] for a bias
     */
    public Map<String, int[]> parameterShapes() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        int layer = 0;
        int width = inputs;
        List<Integer> widths = new ArrayList<>(hidden);
        widths.add(outputs);
        for (int next : widths) {
            shapes.put(layer + ".weight", new int[] {next, width});
            shapes.put(layer + ".bias", new int[] {next});
            layer += dropout > 0 ? 3 : 2;   // Linear, activation[, Dropout], as build lays them out
            width = next;
        }
        return shapes;
    }

    /**
     * A fresh network: layers {@code Linear, activation[, Dropout]} per hidden width, then the
     * output {@code Linear}. Weights come from {@code initRng}, dropout masks from {@code dropoutRng}.
     *
     * @param dtype FLOAT32 or FLOAT64, the parameters' dtype
     * @param initRng the source of the initial weights and biases, advanced by every draw
     * @param dropoutRng the source of the dropout masks, shared by every dropout layer; unused
     *     without dropout
     * @return a new network in training mode whose parameters are named as
     *     {@link #parameterShapes()} says
     * @throws IllegalArgumentException for INT64
     */
    public Sequential build(DType dtype, RandomGenerator initRng, RandomGenerator dropoutRng) {
        List<Module> layers = new ArrayList<>();
        int width = inputs;
        for (int next : hidden) {
            layers.add(new Linear(width, next, init, dtype, initRng));
            layers.add(activation.module());
            if (dropout > 0) {
                layers.add(new Dropout(dropout, dropoutRng));
            }
            width = next;
        }
        layers.add(new Linear(width, outputs, init, dtype, initRng));
        return Sequential.of(layers);
    }
}
