package backprop.calc;

/**
 * One lexical token of a line.
 *
 * @param kind what it is
 * @param text the characters as written (numbers keep their spelling: {@code sum}'s axis is
 *     checked as written)
 * @param pos where it starts
 */
public record Token(Kind kind, String text, Pos pos) {
    /** Token kinds; {@code END} closes every line so the parser can name what it expected there. */
    public enum Kind {
        NAME, NUMBER, PLUS, MINUS, STAR, SLASH, AT, CARET, LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, COLON, EQUALS, END
    }

    /** How the token reads in an error message: {@code '+'}, {@code name 'x'}, {@code end of line}. */
    public String describe() {
        return switch (kind) {
            case END -> "end of line";
            case NAME -> "name '" + backprop.InputException.clip(text) + "'";
            case NUMBER -> "number " + backprop.InputException.clip(text);
            default -> "'" + text + "'";
        };
    }
}
