package backprop.calc;

/** A place in the source: line and column, both counted from 1 (a tab is one column). */
public record Pos(int line, int column) {}
