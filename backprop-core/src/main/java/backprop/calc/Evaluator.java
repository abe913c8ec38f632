package backprop.calc;

import backprop.autograd.Backward;
import backprop.autograd.Node;
import backprop.tensor.Shapes;
import backprop.tensor.ShapeMismatchException;
import backprop.tensor.Tensor;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link Program} on the autograd engine in float64: forward in definition order, then
 * backpropagation from the output.
 *
 * <p>Every input and param is a fresh leaf that requires a gradient; consts never do. Every
 * interior node is its own tensor on the graph: one computed only from consts becomes a fresh
 * leaf (so it still gets its adjoint), and one whose expression is just another name gets an
 * identity operation (so {@code h = x} keeps h's adjoint apart from x's). Shapes are checked
 * before each operation so that a mismatch names the operator, both shapes and where it is.
 */
public final class Evaluator {
    private final Program program;
    private final Map<String, Tensor> overrides;
    private final Map<String, Tensor> values = new LinkedHashMap<>();
    /** Which definition and expression made each graph tensor: to name the node a non-finite number came from. */
    private final Map<Tensor, Site> sites = new IdentityHashMap<>();
    private Definition current;
    /** Where {@link #subValues} collects every sub-expression's value; {@code null} otherwise. */
    private Map<Expr, Tensor> recorded;
    /** The first sub-expression of the current definition whose value was not finite: where a bad value is reported. */
    private Expr firstNonFinite;

    private record Site(Definition definition, Expr expr) {}

    private Evaluator(Program program, Map<String, Tensor> overrides) {
        this.program = program;
        this.overrides = overrides;
    }

    /**
     * Forward and backward: every named node's value, then d(of)/d(node) for every node but the
     * consts, by backpropagation from the output.
     *
     * @param program a parsed program
     * @param ofName the node to differentiate, or {@code null} for the last one defined
     * @return the values (tensors on the graph, each input's and param's requiring a gradient) and
     *     the gradients, zeros for a node the output does not depend on
     * @throws backprop.InputException for a shape mismatch, an unknown, const or non-scalar output
     * @throws UndefinedValueException for the first value, then the first backward rule, that is not finite
     * @throws java.util.concurrent.CancellationException when the thread is interrupted, checked
     *     between nodes
     */
    public static Evaluation run(Program program, String ofName) {
        Definition of = output(program, ofName);
        Evaluator e = new Evaluator(program, Map.of());
        e.forward(true);
        Tensor root = e.values.get(of.name());
        if (root.rank() != 0) {
            throw program.source().error(of.pos(), "--of " + of.name() + ": the output must be a scalar; got shape "
                    + Shapes.format(root.shape()) + " for '" + of.name() + "' defined on line " + of.line()
                    + "; expected a scalar node: add a line like 'total = sum(" + of.name() + ")' and differentiate that");
        }
        Backward.run(root, (output, inputGradients) -> {
            stopIfInterrupted();
            for (Tensor g : inputGradients) {
                if (g != null && !g.isFinite()) {
                    throw e.undefined(output, "its backward rule produced a gradient that is not finite (" + firstNonFinite(g) + ")");
                }
            }
        });
        Map<String, Tensor> gradients = new LinkedHashMap<>();
        for (Definition d : program.definitions()) {
            if (d.kind() != NodeKind.CONST) {
                Tensor t = e.values.get(d.name());
                Tensor g = t.grad() == null ? Tensor.zerosLike(t) : t.grad();
                if (!g.isFinite()) {
                    throw e.undefined(t, "its gradient is not finite (" + firstNonFinite(g) + ")");
                }
                gradients.put(d.name(), g);
            }
        }
        return new Evaluation(program, of, e.values, gradients);
    }

    /**
     * The forward pass alone with some leaves' values replaced (for finite differences). Values
     * that are not finite are returned, not thrown.
     *
     * @param program a parsed program
     * @param leaves tensors for inputs and params by name, used as they are (so that gradients reach
     *     them); the others keep their written values
     * @return every named node's value, by name, in definition order
     * @throws backprop.InputException for a shape mismatch
     * @throws java.util.concurrent.CancellationException when the thread is interrupted, checked
     *     between nodes
     */
    public static Map<String, Tensor> forward(Program program, Map<String, Tensor> leaves) {
        Evaluator e = new Evaluator(program, leaves);
        e.forward(false);
        return e.values;
    }

    /**
     * Ends the computation when its thread was interrupted: a server (backprop serve) stops a
     * program that passes its time limit this way. Checked between nodes, so a program stops
     * within one operation of the request.
     *
     * @throws java.util.concurrent.CancellationException when the current thread is interrupted
     */
    static void stopIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("the calculation was interrupted");
        }
    }

    /**
     * The forward pass with some leaves' values replaced, as {@link #forward}, returning every
     * sub-expression's value by identity: where {@code --check} looks for kinks.
     */
    static Map<Expr, Tensor> forwardRecorded(Program program, Map<String, Tensor> leaves) {
        Evaluator e = new Evaluator(program, leaves);
        e.recorded = new IdentityHashMap<>();
        e.forward(false);
        return e.recorded;
    }

    /**
     * The local partial derivative d(node)/d(name) of a scalar node, everything else held fixed:
     * the node's own expression re-evaluated with {@code name} as the only variable. One factor of
     * a path in the scalar chain of {@code --explain}.
     *
     * @param program the program {@code values} came from
     * @param values every named node's value (from an {@link Evaluation}); not modified
     * @param node a scalar node's definition
     * @param name a name {@code node}'s expression uses
     * @return the partial derivative at the current values; 0 when the expression does not depend
     *     on {@code name}
     */
    public static double localDerivative(Program program, Map<String, Tensor> values, Definition node, String name) {
        Evaluator e = referencing(program, values, node);
        Tensor variable = values.get(name).detach().copy().requiresGrad(true);
        e.values.put(name, variable);
        e.current = node;
        Tensor out = e.eval(node.expr());
        if (!out.requiresGrad()) {
            return 0;
        }
        Backward.run(out);
        return variable.grad() == null ? 0 : variable.grad().item();
    }

    /**
     * The value of every sub-expression of a node's definition, by identity, re-evaluated from the
     * named values (detached): the shapes and values the matrix form of the explanation reads.
     *
     * @param values every named node's value (from an {@link Evaluation})
     */
    static Map<Expr, Tensor> subValues(Program program, Map<String, Tensor> values, Definition node) {
        Evaluator e = referencing(program, values, node);
        e.current = node;
        e.recorded = new IdentityHashMap<>();
        e.eval(node.expr());
        return e.recorded;
    }

    /**
     * An evaluator of {@code node}'s expression alone, holding the values of the names it uses and
     * no others: copying all of them for each of a chain's links made --explain take the square
     * of the program's length (a chain of 16,000 definitions, 46 s).
     */
    private static Evaluator referencing(Program program, Map<String, Tensor> values, Definition node) {
        Evaluator e = new Evaluator(program, Map.of());
        for (String ref : Exprs.refs(node.expr())) {
            Tensor v = values.get(ref);
            if (v != null) {
                e.values.put(ref, v.detach());
            }
        }
        return e;
    }

    /**
     * The definition {@code --of} names, or the last one.
     *
     * @param program a parsed program
     * @param ofName an input's, param's or interior node's name, or {@code null} for the last
     *     definition
     * @return that definition, not a const (whether it is a scalar is checked by {@link #run})
     * @throws backprop.InputException naming the choices for an unknown name, or for a const
     */
    public static Definition output(Program program, String ofName) {
        Source source = program.source();
        if (ofName == null) {
            Definition last = program.last();
            if (last.kind() == NodeKind.CONST) {
                throw source.error(last.pos(), "the output defaults to the last name defined, and '" + last.name()
                        + "' is a const, which is never differentiated; expected --of NAME naming an input, param or node");
            }
            return last;
        }
        Definition d = program.find(ofName).orElseThrow(() -> backprop.InputException.inFile(source.file(),
                "--of " + ofName + ": no such name; expected one of "
                        + String.join(", ", program.definitions().stream()
                                .filter(x -> x.kind() != NodeKind.CONST).map(Definition::name).toList())));
        if (d.kind() == NodeKind.CONST) {
            throw source.error(d.pos(), "--of " + ofName + ": '" + ofName
                    + "' is a const, which is never differentiated; expected an input, param or node");
        }
        return d;
    }

    private void forward(boolean checkFinite) {
        Set<Tensor> named = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Definition d : program.definitions()) {
            stopIfInterrupted();
            current = d;
            firstNonFinite = null;
            Tensor t;
            if (d.kind().isVariable()) {
                Tensor given = overrides.get(d.name());
                t = given != null ? given : eval(d.expr()).copy().requiresGrad(true);
            } else if (d.kind() == NodeKind.CONST) {
                t = eval(d.expr());
            } else {
                t = eval(d.expr());
                if (!t.requiresGrad()) {
                    t = t.copy().requiresGrad(true);     // computed from consts only: still a node with an adjoint
                } else if (named.contains(t)) {
                    t = Node.record("=", t.copy(), List.of(t), (i, g) -> g);   // d(h)/d(x) = 1 for h = x
                }
                if (t.origin() != null) {
                    t.retainGrad();
                }
            }
            sites.putIfAbsent(t, new Site(d, d.expr()));
            named.add(t);
            values.put(d.name(), t);
            if (checkFinite && !t.isFinite()) {
                Site where = new Site(d, firstNonFinite != null ? firstNonFinite : d.expr());
                throw undefined(where, "its value is not finite (" + firstNonFinite(t) + ")");
            }
        }
    }

    private UndefinedValueException undefined(Tensor t, String what) {
        Site site = sites.get(t);
        return undefined(site != null ? site : new Site(current, current.expr()), what);
    }

    private UndefinedValueException undefined(Site site, String what) {
        Definition d = site.definition();
        Pos pos = site.expr().pos();
        String at = describe(site.expr());
        return new UndefinedValueException(program.source().file() + ":" + pos.line() + ":" + pos.column()
                + ": undefined value in '" + d.name() + "' (line " + d.line() + at + "): " + what
                + "; a log of 0, a sqrt of a negative, a division by 0 or a probability outside (0, 1) does this"
                + System.lineSeparator() + "    " + program.source().line(pos.line()).replace('\t', ' '));
    }

    private static String describe(Expr e) {
        if (e instanceof Expr.Binary b) {
            return ", operator '" + b.op().symbol() + "'";
        } else if (e instanceof Expr.Call c) {
            return ", " + c.function().spelling() + "(...)";
        } else if (e instanceof Expr.Neg) {
            return ", unary '-'";
        }
        return "";
    }

    private static String firstNonFinite(Tensor t) {
        for (int i = 0; i < t.size(); i++) {
            if (!Double.isFinite(t.getFlat(i))) {
                return String.valueOf(t.getFlat(i));
            }
        }
        return "finite";
    }

    // ---- Expressions -----------------------------------------------------------------------

    private Tensor eval(Expr e) {
        Tensor t;
        try {
            t = compute(e);
        } catch (ShapeMismatchException ex) {
            throw program.source().error(e.pos(), "shape mismatch: " + ex.getMessage());
        }
        claim(t, e);
        if (recorded != null) {
            recorded.put(e, t);
        }
        if (firstNonFinite == null && !t.isFinite()) {
            firstNonFinite = e;
        }
        return t;
    }

    /** Marks {@code t} and the engine's intermediate tensors behind it as made by {@code e}, unless already claimed. */
    private void claim(Tensor t, Expr e) {
        ArrayDeque<Tensor> todo = new ArrayDeque<>();
        todo.push(t);
        while (!todo.isEmpty()) {
            Tensor x = todo.pop();
            if (sites.containsKey(x)) {
                continue;
            }
            sites.put(x, new Site(current, e));
            if (x.origin() != null) {
                x.origin().inputs().forEach(todo::push);
            }
        }
    }

    private Tensor compute(Expr e) {
        if (e instanceof Expr.Num n) {
            return Tensor.scalar(n.value());
        } else if (e instanceof Expr.Ref r) {
            return values.get(r.name());
        } else if (e instanceof Expr.Neg n) {
            return eval(n.operand()).neg();
        } else if (e instanceof Expr.ListLit l) {
            return list(l);
        } else if (e instanceof Expr.Binary b) {
            return binary(b);
        } else if (e instanceof Expr.Call c) {
            return call(c);
        } else if (e instanceof Expr.Index i) {
            return index(i);
        }
        throw new AssertionError("unknown expression " + e);
    }

    private Tensor list(Expr.ListLit l) {
        List<Tensor> parts = new ArrayList<>();
        for (Expr x : l.elements()) {
            parts.add(eval(x));
        }
        Tensor first = parts.get(0);
        if (first.rank() > 1) {
            throw program.source().error(start(l.elements().get(0)), "a list's elements must be scalars or vectors; got shape "
                    + Shapes.format(first.shape()) + " (a matrix); expected [1, 2] for a vector or [[1, 2], [3, 4]] for a matrix");
        }
        for (int i = 1; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            if (p.rank() != first.rank() || (p.rank() == 1 && p.size() != first.size())) {
                String what = first.rank() == 0 ? "a scalar like element 1" : "a vector of length " + first.size() + " like row 1";
                throw program.source().error(start(l.elements().get(i)), (first.rank() == 0 ? "mixed list" : "ragged matrix")
                        + ": element " + (i + 1) + " has shape " + Shapes.format(p.shape()) + "; expected " + what);
            }
        }
        return Tensor.stack(parts);
    }

    /** {@code x[i]}, {@code m[i, j]}, {@code m[i, :]}, {@code m[:, j]}: a copy of the selected elements; the gradient flows back to them alone. */
    private Tensor index(Expr.Index e) {
        Tensor x = eval(e.target());
        List<Integer> at = e.indices();
        String written = Exprs.indices(at);
        if (x.rank() != at.size() || (x.rank() == 1 && at.get(0) == null) || (at.size() == 2 && at.get(0) == null && at.get(1) == null)) {
            throw program.source().error(e.pos(), "index " + written + " does not fit shape " + Shapes.format(x.shape())
                    + "; expected " + (x.rank() == 0 ? "no index: a scalar has no elements to select"
                    : x.rank() == 1 ? "one index, x[i], for a vector" : "two, m[i, j], m[i, :] or m[:, j], for a matrix"));
        }
        int[] shape = x.shape();
        int[] fixed = new int[at.size()];
        for (int k = 0; k < at.size(); k++) {
            Integer i = at.get(k);
            if (i != null) {
                if (i < -shape[k] || i >= shape[k]) {
                    throw program.source().error(e.pos(), "index " + written + " is out of range for shape " + Shapes.format(shape)
                            + "; expected " + (k == 0 ? "a row" : "a column") + " index from " + -shape[k] + " to " + (shape[k] - 1));
                }
                fixed[k] = i < 0 ? i + shape[k] : i;
            }
        }
        int cols = x.rank() == 2 ? shape[1] : 1;
        int[] positions;
        int[] outShape;
        if (x.rank() == 1) {
            positions = new int[] {fixed[0]};
            outShape = new int[0];
        } else if (at.get(0) == null) {
            positions = java.util.stream.IntStream.range(0, shape[0]).map(r -> r * cols + fixed[1]).toArray();
            outShape = new int[] {shape[0]};
        } else if (at.get(1) == null) {
            positions = java.util.stream.IntStream.range(0, cols).map(c -> fixed[0] * cols + c).toArray();
            outShape = new int[] {cols};
        } else {
            positions = new int[] {fixed[0] * cols + fixed[1]};
            outShape = new int[0];
        }
        double[] v = x.toDoubleArray();
        double[] out = new double[positions.length];
        for (int k = 0; k < positions.length; k++) {
            out[k] = v[positions[k]];
        }
        return Node.record("index", Tensor.of(x.dtype(), out, outShape), List.of(x), (input, g) -> {
            double[] scattered = new double[x.size()];
            double[] gv = g.toDoubleArray();
            for (int k = 0; k < positions.length; k++) {
                scattered[positions[k]] += gv[k];
            }
            return Tensor.of(x.dtype(), scattered, shape);      // d(x[i])/dx = the unit at i
        });
    }

    private Tensor binary(Expr.Binary b) {
        Tensor x = eval(b.left());
        Tensor y = eval(b.right());
        String op = "'" + b.op().symbol() + "'";
        switch (b.op()) {
            case MATMUL:
                checkMatmul(b.pos(), x, y);
                return x.matmul(y);
            case ADD:
                broadcast(b.pos(), op, x, y);
                return x.add(y);
            case SUB:
                broadcast(b.pos(), op, x, y);
                return x.sub(y);
            case MUL:
                broadcast(b.pos(), op, x, y);
                return x.mul(y);
            case DIV:
                broadcast(b.pos(), op, x, y);
                return x.div(y);
            case POW:
                broadcast(b.pos(), op, x, y);
                return x.pow(y);
            default:
                throw new AssertionError(b.op());
        }
    }

    private Tensor call(Expr.Call c) {
        Builtin f = c.function();
        List<Tensor> values = new ArrayList<>();
        for (int i = 0; i < c.args().size(); i++) {
            if (!f.isLiteral(i)) {
                values.add(eval(c.args().get(i)));
            }
        }
        return f.evaluate(new Operands(c, values));
    }

    /** A call's evaluated operands, with its errors reported at the function's name. */
    private final class Operands implements Builtin.Operands {
        private final Expr.Call call;
        private final List<Tensor> values;

        Operands(Expr.Call call, List<Tensor> values) {
            this.call = call;
            this.values = values;
        }

        @Override
        public Tensor get(int i) {
            return values.get(i);
        }

        @Override
        public Integer axis() {
            boolean written = call.args().size() > values.size();     // an axis is read, never evaluated
            return written ? Evaluator.this.axis(call.args().get(1), values.get(0), name()) : null;
        }

        @Override
        public int[] sizes() {
            return call.args().subList(1, call.args().size()).stream().mapToInt(Evaluator.this::size).toArray();
        }

        @Override
        public int[] broadcast() {
            return Evaluator.this.broadcast(call.pos(), name(), values.get(0), values.get(1));
        }

        @Override
        public String name() {
            return call.function().spelling() + "(...)";
        }

        @Override
        public backprop.InputException error(String message) {
            return program.source().error(call.pos(), message);
        }
    }

    /** A size of {@code reshape}: a whole number from 1, written as a literal. */
    private int size(Expr e) {
        if (e instanceof Expr.Num n && n.text().matches("[0-9]{1,9}") && n.value() >= 1) {
            return (int) n.value();
        }
        throw program.source().error(start(e), "reshape(...): a size is a whole number from 1 written as it is; got '"
                + Exprs.print(e) + "'; expected reshape(x, n) or reshape(x, r, c)");
    }

    /** The axis as written: {@code 0}, {@code 1} or {@code -1}, nothing else, and one the operand has. */
    private int axis(Expr e, Tensor x, String name) {
        Integer axis = null;
        if (e instanceof Expr.Num n && (n.text().equals("0") || n.text().equals("1"))) {
            axis = Integer.parseInt(n.text());
        } else if (e instanceof Expr.Neg neg && neg.operand() instanceof Expr.Num n && n.text().equals("1")) {
            axis = -1;
        }
        if (axis == null) {
            throw program.source().error(start(e), name + ": the axis must be written 0, 1 or -1; got '" + Exprs.print(e)
                    + "'; expected 0, 1 or -1");
        }
        if (x.rank() == 0 || axis >= x.rank()) {
            throw program.source().error(start(e), name + ": axis " + axis + " does not exist for shape "
                    + Shapes.format(x.shape()) + "; expected " + (x.rank() == 0 ? "a vector or matrix operand"
                    : x.rank() == 1 ? "0 or -1 for a vector" : "0, 1 or -1"));
        }
        return axis;
    }

    private int[] broadcast(Pos pos, String op, Tensor x, Tensor y) {
        try {
            return Shapes.broadcast(op, x.shape(), y.shape());
        } catch (ShapeMismatchException ex) {
            throw program.source().error(pos, "shape mismatch in " + op + ": shapes " + Shapes.format(x.shape()) + " and "
                    + Shapes.format(y.shape()) + " do not broadcast; expected equal dimensions, or 1, aligned from the right");
        }
    }

    private void checkMatmul(Pos pos, Tensor x, Tensor y) {
        String shapes = Shapes.format(x.shape()) + " @ " + Shapes.format(y.shape());
        if (x.rank() == 0 || y.rank() == 0 || x.rank() > 2 || y.rank() > 2) {
            throw program.source().error(pos, "shape mismatch in '@': " + shapes
                    + "; expected vectors or matrices (use '*' to scale by a scalar)");
        }
        int inner = x.shape()[x.rank() - 1];
        int other = y.rank() == 1 ? y.shape()[0] : y.shape()[0];
        if (inner != other) {
            throw program.source().error(pos, "shape mismatch in '@': " + shapes + "; expected the left operand's last dimension ("
                    + inner + ") to equal the right operand's first (" + other + ")");
        }
    }

    /** The leftmost position of an expression: where a list element starts. */
    static Pos start(Expr e) {
        if (e instanceof Expr.Binary b) {
            return start(b.left());
        }
        return e.pos();
    }
}
