package backprop.data;

/**
 * One line of {@code backprop datasets}.
 *
 * @param name        what {@code --data} takes
 * @param description what the data is
 * @param size        rows, features and classes, in words
 * @param location    where it is read from: "built in", "generated from --seed", a folder, or where it was looked for
 * @param available   whether it can be loaded now
 */
public record SourceInfo(String name, String description, String size, String location, boolean available) {}
