package backprop.calc;

import backprop.calc.Token.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a {@link Source} into a {@link Program}: one statement per line, then checks the
 * names (reserved, defined twice, unknown, used before definition, a leaf using a non-const).
 *
 * <p>Precedence, loosest first: {@code + -} (left), {@code * / @} (left), unary {@code -},
 * {@code ^} or {@code **} (right, tighter than unary minus: {@code -2^2} is -4; its right operand
 * may carry a unary minus: {@code a^-b}), postfix indexing {@code x[i, j]} (tightest).
 */
public final class Parser {
    private static final Set<String> KEYWORDS = Set.of("input", "param", "const");
    /**
     * How deep one expression's tree may be (a sum of n terms is n deep). Every later stage walks
     * the tree recursively; this and {@link #MAX_NESTING} keep them all far from the Java stack's
     * end, so no program reaches a StackOverflowError, and the message says how to write a deeper one.
     */
    public static final int MAX_DEPTH = 500;
    /** How deep parentheses, brackets, calls and unary minus may nest inside one another: each level costs the parser several frames. */
    public static final int MAX_NESTING = 100;

    private final Source source;
    private final Lexer lexer;
    private List<Token> tokens;
    private int at;
    /** How many expressions, unary minus and exponents the parser is inside now. */
    private int nesting;
    /** The height of each node built on the current line: its own level plus its deepest operand's. */
    private final Map<Expr, Integer> heights = new java.util.IdentityHashMap<>();

    private Parser(Source source) {
        this.source = source;
        this.lexer = new Lexer(source);
    }

    /**
     * Parses every line of {@code source} and checks the names.
     *
     * @param source the program text
     * @return the program, every name defined once, not reserved, and used only after its
     *     definition; a leaf's expression using only consts
     * @throws backprop.InputException at the first syntax or name error, or for a file without statements
     */
    public static Program parse(Source source) {
        Parser parser = new Parser(source);
        List<Definition> definitions = new ArrayList<>();
        for (int line = 1; line <= source.lines().size(); line++) {
            definitions.addAll(parser.statement(line));
        }
        if (definitions.isEmpty()) {
            throw source.error(new Pos(1, 1),
                    "the file has no statement; expected at least one line like 'input x = 1' or 'y = x^2'");
        }
        new NameCheck(source, definitions).run();
        return new Program(source, definitions);
    }

    /**
     * {@return true for the words that cannot name a node: {@code input}, {@code param}, {@code const}
     * and the function names, as spelled}
     *
     * @param name any string; case-sensitive
     */
    public static boolean isReserved(String name) {
        return KEYWORDS.contains(name) || Builtin.named(name).isPresent();
    }

    private List<Definition> statement(int line) {
        tokens = lexer.tokens(line);
        at = 0;
        nesting = 0;
        heights.clear();
        if (peek().kind() == Kind.END) {
            return List.of();
        }
        Token first = peek();
        if (first.kind() == Kind.NAME && KEYWORDS.contains(first.text())) {
            next();
            return leaves(NodeKind.valueOf(first.text().toUpperCase(java.util.Locale.ROOT)));
        }
        Definition d = binding(NodeKind.NODE);
        expectEnd("an operator or end of line");
        return List.of(d);
    }

    private List<Definition> leaves(NodeKind kind) {
        List<Definition> out = new ArrayList<>();
        out.add(binding(kind));
        while (peek().kind() == Kind.COMMA) {
            next();
            out.add(binding(kind));
        }
        expectEnd("an operator, ',' and another " + kind.label() + ", or end of line");
        return out;
    }

    private Definition binding(NodeKind kind) {
        Token name = peek();
        if (name.kind() != Kind.NAME) {
            throw source.error(name.pos(), "expected a name to define; got " + name.describe());
        }
        if (isReserved(name.text())) {
            throw source.error(name.pos(), "'" + name.text() + "' is reserved (a "
                    + (KEYWORDS.contains(name.text()) ? "keyword" : "function") + "); expected another name");
        }
        next();
        Token eq = peek();
        if (eq.kind() != Kind.EQUALS) {
            throw source.error(eq.pos(), "expected '=' after '" + name.text() + "'; got " + eq.describe());
        }
        next();
        return new Definition(name.text(), kind, expression("after '='"), name.pos());
    }

    private void expectEnd(String expected) {
        Token t = peek();
        if (t.kind() != Kind.END) {
            throw source.error(t.pos(), "expected " + expected + "; got " + t.describe());
        }
    }

    // expr := term (('+'|'-') term)*
    private Expr expression(String context) {
        enter();
        Expr left = term(context);
        while (peek().kind() == Kind.PLUS || peek().kind() == Kind.MINUS) {
            Token op = next();
            Expr right = term("after '" + op.text() + "'");
            left = node(new Expr.Binary(op.kind() == Kind.PLUS ? Expr.Op.ADD : Expr.Op.SUB, left, right, op.pos()), left, right);
        }
        nesting--;
        return left;
    }

    /** Counts one more level of the parser's own recursion, refused past {@link #MAX_NESTING}. */
    private void enter() {
        if (++nesting > MAX_NESTING) {
            throw source.error(peek().pos(), "the expression nests more than " + MAX_NESTING + " levels deep (parentheses, brackets, "
                    + "calls or unary minus inside one another); expected a shallower one: name parts of it on lines of their own");
        }
    }

    /** Records {@code e}'s height from its operands' and refuses a tree higher than {@link #MAX_DEPTH}. */
    private Expr node(Expr e, Expr... operands) {
        int height = 0;
        for (Expr operand : operands) {
            height = Math.max(height, heights.getOrDefault(operand, 1));
        }
        if (++height > MAX_DEPTH) {
            throw source.error(e.pos(), "the expression is more than " + MAX_DEPTH + " operations deep (a chain such as a sum of "
                    + MAX_DEPTH + " terms); expected a shallower one: name parts of it on lines of their own");
        }
        heights.put(e, height);
        return e;
    }

    // term := unary (('*'|'/'|'@') unary)*
    private Expr term(String context) {
        Expr left = unary(context);
        while (peek().kind() == Kind.STAR || peek().kind() == Kind.SLASH || peek().kind() == Kind.AT) {
            Token op = next();
            Expr.Op o = op.kind() == Kind.STAR ? Expr.Op.MUL : op.kind() == Kind.SLASH ? Expr.Op.DIV : Expr.Op.MATMUL;
            Expr right = unary("after '" + op.text() + "'");
            left = node(new Expr.Binary(o, left, right, op.pos()), left, right);
        }
        return left;
    }

    // unary := '-' unary | power
    private Expr unary(String context) {
        if (peek().kind() == Kind.MINUS) {
            Token minus = next();
            enter();
            Expr operand = unary("after '-'");
            nesting--;
            return node(new Expr.Neg(operand, minus.pos()), operand);
        }
        return power(context);
    }

    // power := postfix ('^' unary-in-exponent)?   right-associative, and a^-b is a^(-b)
    private Expr power(String context) {
        Expr base = postfix(primary(context));
        if (peek().kind() == Kind.CARET) {
            Token op = next();
            enter();
            Expr exponent = exponent();
            nesting--;
            return node(new Expr.Binary(Expr.Op.POW, base, exponent, op.pos()), base, exponent);
        }
        return base;
    }

    private Expr exponent() {
        if (peek().kind() == Kind.MINUS) {
            Token minus = next();
            enter();
            Expr operand = exponent();
            nesting--;
            return node(new Expr.Neg(operand, minus.pos()), operand);
        }
        return power("after '^'");
    }

    // postfix := primary ('[' index (',' index)? ']')*   index := ':' | '-'? integer
    private Expr postfix(Expr target) {
        while (peek().kind() == Kind.LBRACKET) {
            Token open = next();
            List<Integer> indices = new ArrayList<>();
            indices.add(index());
            if (peek().kind() == Kind.COMMA) {
                next();
                indices.add(index());
            }
            close(Kind.RBRACKET, "]", open);
            Expr indexed = target;
            target = node(new Expr.Index(indexed, indices, open.pos()), indexed);
        }
        return target;
    }

    private Integer index() {
        Token t = peek();
        if (t.kind() == Kind.COLON) {
            next();
            return null;
        }
        boolean negative = t.kind() == Kind.MINUS;
        Token number = negative ? tokens.get(at + 1) : t;
        if (number.kind() != Kind.NUMBER || !number.text().matches("[0-9]{1,9}")) {
            throw source.error(number.pos(), "an index is a whole number written as it is (0, 2, -1) or ':'; got "
                    + number.describe() + "; expected x[i], m[i, j], m[i, :] or m[:, j]");
        }
        at += negative ? 2 : 1;
        int value = Integer.parseInt(number.text());
        return negative ? -value : value;
    }

    private Expr primary(String context) {
        Token t = peek();
        switch (t.kind()) {
            case NUMBER:
                next();
                return new Expr.Num(Double.parseDouble(t.text()), t.text(), t.pos());
            case NAME:
                return nameOrCall();
            case LPAREN: {
                next();
                Expr inner = expression("after '('");
                close(Kind.RPAREN, ")", t);
                return inner;
            }
            case LBRACKET: {
                next();
                List<Expr> elements = new ArrayList<>();
                elements.add(expression("after '['"));
                while (peek().kind() == Kind.COMMA) {
                    next();
                    elements.add(expression("after ','"));
                }
                close(Kind.RBRACKET, "]", t);
                return node(new Expr.ListLit(elements, t.pos()), elements.toArray(Expr[]::new));
            }
            default:
                throw source.error(t.pos(), "expected an expression (a number, a name, a function call, '(', '[' or '-') "
                        + context + "; got " + t.describe());
        }
    }

    private Expr nameOrCall() {
        Token name = next();
        boolean call = peek().kind() == Kind.LPAREN;
        if (KEYWORDS.contains(name.text())) {
            throw source.error(name.pos(), "'" + name.text() + "' is a keyword, allowed only at the start of a line; expected an expression");
        }
        var builtin = Builtin.named(name.text());
        if (!call) {
            if (builtin.isPresent()) {
                throw source.error(peek().pos(), "'" + name.text() + "' is a function; expected '(' after it; got " + peek().describe());
            }
            return new Expr.Ref(name.text(), name.pos());
        }
        if (builtin.isEmpty()) {
            throw source.error(name.pos(), "unknown function '" + name.text() + "'; expected one of "
                    + String.join(", ", java.util.Arrays.stream(Builtin.values()).map(Builtin::spelling).toList()));
        }
        Token open = next();
        List<Expr> args = new ArrayList<>();
        if (peek().kind() != Kind.RPAREN) {
            args.add(expression("as an argument of " + name.text()));
            while (peek().kind() == Kind.COMMA) {
                next();
                args.add(expression("after ','"));
            }
        }
        close(Kind.RPAREN, ")", open);
        Builtin f = builtin.get();
        if (args.size() < f.minArgs() || args.size() > f.maxArgs()) {
            throw source.error(name.pos(), name.text() + "(...): takes " + f.arity() + "; got " + args.size() + "; expected " + f.usage());
        }
        return node(new Expr.Call(f, args, name.pos()), args.toArray(Expr[]::new));
    }

    private void close(Kind kind, String text, Token open) {
        Token t = peek();
        if (t.kind() == kind) {
            next();
            return;
        }
        if (t.kind() == Kind.END) {
            throw source.error(t.pos(), "unclosed '" + open.text() + "' (opened at column " + open.pos().column()
                    + "); expected '" + text + "' before the end of the line");
        }
        throw source.error(t.pos(), "expected '" + text + "' or an operator to close the '" + open.text()
                + "' opened at column " + open.pos().column() + "; got " + t.describe());
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        return tokens.get(at++);
    }

    /** The name rules of the spec, checked once every line is parsed (so "used before its definition" can say where it is defined). */
    private record NameCheck(Source source, List<Definition> definitions) {
        void run() {
            Map<String, Definition> seen = new HashMap<>();
            Map<String, Definition> all = new HashMap<>();
            for (Definition d : definitions) {
                all.putIfAbsent(d.name(), d);
            }
            for (Definition d : definitions) {
                checkUses(d, d.expr(), seen, all);
                Definition earlier = seen.putIfAbsent(d.name(), d);
                if (earlier != null) {
                    throw source.error(d.pos(), "'" + d.name() + "' is already defined on line " + earlier.line()
                            + "; expected each name to be defined once");
                }
            }
        }

        private void checkUses(Definition d, Expr e, Map<String, Definition> seen, Map<String, Definition> all) {
            if (e instanceof Expr.Ref r) {
                Definition target = seen.get(r.name());
                if (target == null) {
                    Definition later = all.get(r.name());
                    if (later != null && later != d) {
                        throw source.error(r.pos(), "'" + r.name() + "' is used before its definition on line "
                                + later.line() + "; expected names defined on earlier lines");
                    }
                    throw source.error(r.pos(), "unknown name '" + r.name() + "'"
                            + (later == d ? " (a node cannot use itself)" : "") + "; expected a name defined earlier");
                }
                if (d.kind() != NodeKind.NODE && target.kind() != NodeKind.CONST) {
                    throw source.error(r.pos(), "the " + d.kind().label() + " '" + d.name() + "' may use only consts; got the "
                            + target.kind().label() + " '" + r.name() + "' (a leaf is a fresh variable, not connected to other nodes); "
                            + "expected numbers and consts defined before it");
                }
            } else if (e instanceof Expr.ListLit l) {
                l.elements().forEach(x -> checkUses(d, x, seen, all));
            } else if (e instanceof Expr.Neg n) {
                checkUses(d, n.operand(), seen, all);
            } else if (e instanceof Expr.Binary b) {
                checkUses(d, b.left(), seen, all);
                checkUses(d, b.right(), seen, all);
            } else if (e instanceof Expr.Call c) {
                c.args().forEach(x -> checkUses(d, x, seen, all));
            } else if (e instanceof Expr.Index i) {
                checkUses(d, i.target(), seen, all);
            }
        }
    }
}
