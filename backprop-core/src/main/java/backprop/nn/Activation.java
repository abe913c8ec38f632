package backprop.nn;

import backprop.tensor.Tensor;
import java.util.Locale;

/** An element-wise nonlinearity as a module without parameters. */
public final class Activation extends Module {

    /** The hidden activations the CLI offers; their lower-case names are what model.json stores. */
    public enum Kind {
        RELU, SIGMOID, TANH;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind named {@code id} ({@code relu}, {@code sigmoid}, {@code tanh}). */
        public static Kind of(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("activation must be one of relu, sigmoid, tanh; got '" + id + "'");
        }
    }

    private final Kind kind;

    public Activation(Kind kind) {
        this.kind = kind;
    }

    public static Activation relu() {
        return new Activation(Kind.RELU);
    }

    public static Activation sigmoid() {
        return new Activation(Kind.SIGMOID);
    }

    public static Activation tanh() {
        return new Activation(Kind.TANH);
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public Tensor forward(Tensor x) {
        return switch (kind) {
            case RELU -> x.relu();
            case SIGMOID -> x.sigmoid();
            case TANH -> x.tanh();
        };
    }
}
