package backprop.data;

import java.util.Locale;

/** What a data set's target is: a class out of a fixed list, or a real number. */
public enum Task {
    /** The target is one of {@code numClasses()} classes, stored as an index {@code 0..k-1}. */
    CLASSIFICATION,
    /** The target is a real number. */
    REGRESSION;

    /** {@return the spelling used on the command line and in model files: {@code classification}, {@code regression}} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@return the task spelled {@code id}, as {@link #id()} spells it}
     *
     * @param id {@code classification} or {@code regression}
     * @throws IllegalArgumentException for any other string
     */

    public static Task of(String id) {
        for (Task t : values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("must be classification or regression; got '" + backprop.InputException.clip(id) + "'");
    }
}
