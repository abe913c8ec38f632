package backprop.calc;

import backprop.calc.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line into tokens. Statements never span lines, so a line is the unit: whatever
 * is unfinished at its end is reported on it.
 *
 * <p>Numbers are unsigned ({@code [0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?} or
 * {@code \.[0-9]+([eE][+-]?[0-9]+)?}); a {@code -} is always an operator, and {@code **} is
 * the same token as {@code ^}. {@code #} starts a
 * comment to the end of the line.
 */
public final class Lexer {
    private final Source source;

    /**
     * A lexer over the lines of {@code source}.
     *
     * @param source the program text; its positions are the tokens'
     */
    public Lexer(Source source) {
        this.source = source;
    }

    /**
     * The tokens of line {@code number} (from 1), ending with one {@link Kind#END}.
     *
     * @param number the line, from 1; past the end, an empty line
     * @return a new list, only {@code END} for a blank or comment-only line
     * @throws backprop.InputException at a character no token starts with
     */
    public List<Token> tokens(int number) {
        String s = source.line(number);
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            Pos pos = new Pos(number, i + 1);
            if (c == '#') {
                break;
            } else if (c == ' ' || c == '\t') {
                i++;
            } else if (isNameStart(c)) {
                int j = i + 1;
                while (j < s.length() && isNamePart(s.charAt(j))) {
                    j++;
                }
                out.add(new Token(Kind.NAME, s.substring(i, j), pos));
                i = j;
            } else if (isDigit(c) || (c == '.' && i + 1 < s.length() && isDigit(s.charAt(i + 1)))) {
                int j = number(s, i);
                out.add(new Token(Kind.NUMBER, s.substring(i, j), pos));
                i = j;
            } else {
                if (c == '*' && i + 1 < s.length() && s.charAt(i + 1) == '*') {    // ** is ^, as in Python
                    out.add(new Token(Kind.CARET, "**", pos));
                    i += 2;
                    continue;
                }
                Kind kind = single(c);
                if (kind == null) {
                    throw source.error(pos, "unexpected character '" + c
                            + "'; expected a name, a number, an operator (+ - * / @ ^ **), a bracket, ',', ':' or '='");
                }
                out.add(new Token(kind, String.valueOf(c), pos));
                i++;
            }
        }
        out.add(new Token(Kind.END, "", new Pos(number, codeEnd(s) + 1)));
        return out;
    }

    /** The length of the line without its comment and trailing blanks: END sits right after the code, where the caret helps. */
    private static int codeEnd(String s) {
        int hash = s.indexOf('#');
        return (hash < 0 ? s : s.substring(0, hash)).stripTrailing().length();
    }

    /** The end of the number starting at {@code i}; the regexes of the class comment, longest match. */
    private static int number(String s, int i) {
        int j = i;
        while (j < s.length() && isDigit(s.charAt(j))) {
            j++;
        }
        if (j < s.length() && s.charAt(j) == '.') {
            j++;
            while (j < s.length() && isDigit(s.charAt(j))) {
                j++;
            }
        }
        if (j < s.length() && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                k++;
            }
            if (k < s.length() && isDigit(s.charAt(k))) {
                while (k < s.length() && isDigit(s.charAt(k))) {
                    k++;
                }
                j = k;
            }
        }
        return j;
    }

    private static Kind single(char c) {
        return switch (c) {
            case '+' -> Kind.PLUS;
            case '-' -> Kind.MINUS;
            case '*' -> Kind.STAR;
            case '/' -> Kind.SLASH;
            case '@' -> Kind.AT;
            case '^' -> Kind.CARET;
            case '(' -> Kind.LPAREN;
            case ')' -> Kind.RPAREN;
            case '[' -> Kind.LBRACKET;
            case ']' -> Kind.RBRACKET;
            case ',' -> Kind.COMMA;
            case ':' -> Kind.COLON;
            case '=' -> Kind.EQUALS;
            default -> null;
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || isDigit(c);
    }
}
