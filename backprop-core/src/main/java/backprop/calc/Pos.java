package backprop.calc;

/**
 * A place in the source: line and column, both counted from 1 (a tab is one column).
 *
 * @param line the line, from 1
 * @param column the character in the line, from 1; one past the code for the end of a line
 */
public record Pos(int line, int column) {}
