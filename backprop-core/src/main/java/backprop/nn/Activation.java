package backprop.nn;

import backprop.internal.Names;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The element-wise nonlinearities a network description names: the CLI's {@code --activation}
 * and the layer types of model.json. Each has its module ({@link ReLU}, ...).
 */
public enum Activation {
    /** max(x, 0): {@link ReLU}. */
    RELU(ReLU.class, ReLU::new),
    /** 1 / (1 + exp(-x)): {@link Sigmoid}. */
    SIGMOID(Sigmoid.class, Sigmoid::new),
    /** tanh(x): {@link Tanh}. */
    TANH(Tanh.class, Tanh::new),
    /** log(1 + exp(x)): {@link Softplus}. */
    SOFTPLUS(Softplus.class, Softplus::new);

    private final Class<? extends Module> type;
    private final Supplier<Module> module;

    Activation(Class<? extends Module> type, Supplier<Module> module) {
        this.type = type;
        this.module = module;
    }

    /** {@return the lower-case name: {@code relu}, {@code sigmoid}, {@code tanh}, {@code softplus}} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The activation named {@code id}.
     *
     * @param id a name as {@link #id()} gives it, in lower case
     * @return the activation of that name
     * @throws IllegalArgumentException naming the choices, for any other name
     */
    public static Activation of(String id) {
        return Names.lookup(values(), Activation::id, id, "activation");
    }

    /** {@return a new module computing this activation, without parameters} */
    public Module module() {
        return module.get();
    }

    /**
     * The activation module {@code m} computes, if it is one of these.
     *
     * @param m any module
     * @return the activation whose module class is exactly {@code m}'s, or empty for any other
     *     module (a subclass included)
     */
    public static Optional<Activation> of(Module m) {
        for (Activation a : values()) {
            if (a.type == m.getClass()) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
