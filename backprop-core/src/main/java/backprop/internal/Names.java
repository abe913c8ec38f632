package backprop.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The lookup of an enum constant by the lower-case name a command line or a file spells it with. */
public final class Names {
    private Names() {}

    /**
     * The constant of {@code values} whose {@code id} is {@code name}.
     *
     * @param what how the message names the choice: {@code activation}, {@code optimizer}
     * @throws IllegalArgumentException {@code <what> must be one of a, b, c; got '<name>'}
     */
    public static <E extends Enum<E>> E lookup(E[] values, Function<E, String> id, String name, String what) {
        List<String> ids = new ArrayList<>();
        for (E e : values) {
            if (id.apply(e).equals(name)) {
                return e;
            }
            ids.add(id.apply(e));
        }
        throw new IllegalArgumentException(what + " must be one of " + String.join(", ", ids) + "; got '" + backprop.InputException.clip(name) + "'");
    }
}
