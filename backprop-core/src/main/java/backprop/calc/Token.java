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
        /** A name or keyword, {@code [A-Za-z_][A-Za-z0-9_]*}. */
        NAME,
        /** An unsigned number, as {@link Lexer} spells it. */
        NUMBER,
        /** {@code +}. */
        PLUS,
        /** {@code -}, binary or unary. */
        MINUS,
        /** {@code *}. */
        STAR,
        /** {@code /}. */
        SLASH,
        /** {@code @}, the matrix product. */
        AT,
        /** {@code ^} or {@code **}, the power; the text says which was written. */
        CARET,
        /** {@code (}. */
        LPAREN,
        /** {@code )}. */
        RPAREN,
        /** {@code [}, opening a list or an index. */
        LBRACKET,
        /** {@code ]}. */
        RBRACKET,
        /** {@code ,}. */
        COMMA,
        /** {@code :}, a whole axis in an index. */
        COLON,
        /** {@code =}. */
        EQUALS,
        /** The end of the line's code (before a comment), with empty text. */
        END
    }

    /** {@return how the token reads in an error message: {@code '+'}, {@code name 'x'}, {@code number 2.5}, {@code end of line}} */
    public String describe() {
        return switch (kind) {
            case END -> "end of line";
            case NAME -> "name '" + backprop.InputException.clip(text) + "'";
            case NUMBER -> "number " + backprop.InputException.clip(text);
            default -> "'" + text + "'";
        };
    }
}
