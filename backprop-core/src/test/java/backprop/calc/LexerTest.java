package backprop.calc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import backprop.InputException;
import backprop.calc.Token.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LexerTest {
    private static List<Token> lex(String line) {
        return new Lexer(Source.of(CalcFixtures.FILE, line)).tokens(1);
    }

    @ParameterizedTest
    @CsvSource({"3, 3", "0.5, 0.5", ".5, 0.5", "5., 5", "1e-3, 0.001", "1E+3, 1000", "007, 7", "2.5e2, 250", "5.e1, 50"})
    void numbersAreUnsignedInEveryWrittenForm(String text, double value) {
        List<Token> tokens = lex(text);
        assertThat(tokens).extracting(Token::kind).containsExactly(Kind.NUMBER, Kind.END);
        assertThat(tokens.get(0).text()).isEqualTo(text);
        assertThat(Double.parseDouble(tokens.get(0).text())).isEqualTo(value);
    }

    @Test
    void minusIsAlwaysAnOperator() {
        assertThat(lex("x-1")).extracting(Token::kind).containsExactly(Kind.NAME, Kind.MINUS, Kind.NUMBER, Kind.END);
        assertThat(lex("-2^2")).extracting(Token::kind).containsExactly(Kind.MINUS, Kind.NUMBER, Kind.CARET, Kind.NUMBER, Kind.END);
    }

    @Test
    void anExponentWithoutDigitsIsNotPartOfTheNumber() {
        assertThat(lex("1e")).extracting(Token::text).containsExactly("1", "e", "");
    }

    @Test
    void commentsAndBlanksVanishAndColumnsCountFromOne() {
        List<Token> tokens = lex("\ty = a_1 * B2   # comment = (");
        assertThat(tokens).extracting(Token::text).containsExactly("y", "=", "a_1", "*", "B2", "");
        assertThat(tokens).extracting(t -> t.pos().column()).containsExactly(2, 4, 6, 10, 12, 14);
    }

    @Test
    void anUnknownCharacterIsReportedWhereItIs() {
        assertThatThrownBy(() -> lex("y = a $ b"))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("t.bp:1:7: unexpected character '$'")
                .hasMessageContaining("expected");
    }
}
