package backprop.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import backprop.autograd.GradCheck;
import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every differentiable operation against central finite differences in float64, on random
 * shapes (scalars, vectors, matrices, broadcasting pairs) and random values.
 */
class OperationProperties {

    /** Random values away from the non-smooth points (0 for relu, abs, max, min), where finite differences lie. */
    static Tensor random(Random rng, int[] shape, double low, double high) {
        double[] v = new double[Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            double x;
            do {
                x = low + (high - low) * rng.nextDouble();
            } while (Math.abs(x) < 0.05);
            v[i] = x;
        }
        return Tensor.wrap(v, shape);
    }

    @Provide
    Arbitrary<int[]> shapes() {
        Arbitrary<Integer> dim = Arbitraries.integers().between(1, 4);
        return Arbitraries.oneOf(
                Arbitraries.just(new int[0]),
                dim.map(n -> new int[] {n}),
                Combinators.combine(dim, dim).as((m, n) -> new int[] {m, n}));
    }

    /** Two shapes that broadcast: the second drops or ones-out some dimensions of the first. */
    @Provide
    Arbitrary<int[][]> broadcastPairs() {
        return Combinators.combine(shapes(), Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 1))
                .as((shape, mask, swap) -> {
                    int[] other = shape.clone();
                    for (int i = 0; i < other.length; i++) {
                        if ((mask >> i & 1) == 1) {
                            other[i] = 1;
                        }
                    }
                    if ((mask & 4) == 4 && other.length > 0) {
                        other = java.util.Arrays.copyOfRange(other, 1, other.length);   // missing leading dimension
                    }
                    return swap == 0 ? new int[][] {shape, other} : new int[][] {other, shape};
                });
    }

    private static void checkUnary(int[] shape, long seed, double low, double high, UnaryOperator<Tensor> op) {
        Tensor x = random(new Random(seed), shape, low, high);
        GradCheck.Result r = GradCheck.run(in -> {
            Tensor out = op.apply(in.get(0));
            return out.mul(weights(out.shape())).sum();
        }, List.of(x));
        assertThat(r.worst()).as("max error").isLessThan(1e-7);
    }

    private static void checkBinary(int[][] shapes, long seed, double low, double high, BinaryOperator<Tensor> op) {
        Random rng = new Random(seed);
        Tensor a = random(rng, shapes[0], low, high);
        Tensor b = random(rng, shapes[1], low, high);
        Function<List<Tensor>, Tensor> f = in -> {
            Tensor out = op.apply(in.get(0), in.get(1));
            return out.mul(weights(out.shape())).sum();
        };
        GradCheck.Result r = GradCheck.run(f, List.of(a, b));
        assertThat(r.worst()).as("max error").isLessThan(1e-7);
    }

    /** Distinct fixed weights, so that a gradient routed to the wrong element shows. */
    static Tensor weights(int[] shape) {
        double[] w = new double[Shapes.size(shape)];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.5 + 0.37 * i;
        }
        return Tensor.wrap(w, shape);
    }

    @Property(tries = 40)
    void add(@ForAll("broadcastPairs") int[][] s, @ForAll long seed) {
        checkBinary(s, seed, -3, 3, Tensor::add);
    }

    @Property(tries = 40)
    void sub(@ForAll("broadcastPairs") int[][] s, @ForAll long seed) {
        checkBinary(s, seed, -3, 3, Tensor::sub);
    }

    @Property(tries = 40)
    void mul(@ForAll("broadcastPairs") int[][] s, @ForAll long seed) {
        checkBinary(s, seed, -3, 3, Tensor::mul);
    }

    @Property(tries = 40)
    void div(@ForAll("broadcastPairs") int[][] s, @ForAll long seed) {
        checkBinary(s, seed, 0.5, 3, Tensor::div);
    }

    @Property(tries = 40)
    void pow(@ForAll("broadcastPairs") int[][] s, @ForAll long seed) {
        checkBinary(s, seed, 0.5, 2, Tensor::pow);
    }

    @Property(tries = 40)
    void maximum(@ForAll("broadcastPairs") int[][] s, @ForAll long seed) {
        checkBinary(s, seed, -3, 3, Tensor::maximum);
    }

    @Property(tries = 40)
    void minimum(@ForAll("broadcastPairs") int[][] s, @ForAll long seed) {
        checkBinary(s, seed, -3, 3, Tensor::minimum);
    }

    @Property(tries = 30)
    void neg(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, -3, 3, Tensor::neg);
    }

    @Property(tries = 30)
    void exp(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, -3, 3, Tensor::exp);
    }

    @Property(tries = 30)
    void log(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, 0.2, 5, Tensor::log);
    }

    @Property(tries = 30)
    void sqrt(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, 0.2, 5, Tensor::sqrt);
    }

    @Property(tries = 30)
    void abs(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, -3, 3, Tensor::abs);
    }

    @Property(tries = 30)
    void sigmoid(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, -6, 6, Tensor::sigmoid);
    }

    @Property(tries = 30)
    void tanh(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, -3, 3, Tensor::tanh);
    }

    @Property(tries = 30)
    void relu(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, -3, 3, Tensor::relu);
    }

    @Property(tries = 30)
    void softplus(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, -6, 6, Tensor::softplus);
    }

    @Property(tries = 30)
    void sumAndMean(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, -3, 3, x -> x.sum().add(x.mean().mul(3)));
    }

    @Property(tries = 30)
    void sumAndMeanAlongEachAxis(@ForAll("shapes") int[] s, @ForAll long seed) {
        for (int axis = -s.length; axis < s.length; axis++) {
            int a = axis;
            checkUnary(s, seed, -3, 3, x -> x.sum(a));
            checkUnary(s, seed, -3, 3, x -> x.mean(a));
        }
    }

    @Property(tries = 30)
    void softmaxAndLogSoftmax(@ForAll("shapes") int[] s, @ForAll long seed) {
        if (s.length == 0) {
            return;
        }
        checkUnary(s, seed, -4, 4, Tensor::softmax);
        checkUnary(s, seed, -4, 4, Tensor::logSoftmax);
    }

    @Property(tries = 30)
    void transposeAndReshape(@ForAll("shapes") int[] s, @ForAll long seed) {
        checkUnary(s, seed, -3, 3, Tensor::transpose);
        checkUnary(s, seed, -3, 3, x -> x.reshape(x.size()));
    }

    @Property(tries = 40)
    void matmulInAllFourNumPyCases(@ForAll("dims") int m, @ForAll("dims") int n, @ForAll("dims") int p, @ForAll long seed) {
        checkBinary(new int[][] {{m, n}, {n, p}}, seed, -2, 2, Tensor::matmul);
        checkBinary(new int[][] {{m, n}, {n}}, seed, -2, 2, Tensor::matmul);
        checkBinary(new int[][] {{n}, {n, p}}, seed, -2, 2, Tensor::matmul);
        checkBinary(new int[][] {{n}, {n}}, seed, -2, 2, Tensor::matmul);
        checkBinary(new int[][] {{n}, {n}}, seed, -2, 2, Tensor::dot);
    }

    @Property(tries = 30)
    void linear(@ForAll("dims") int batch, @ForAll("dims") int in, @ForAll("dims") int out, @ForAll long seed) {
        Random rng = new Random(seed);
        Tensor x = random(rng, new int[] {batch, in}, -2, 2);
        Tensor w = random(rng, new int[] {out, in}, -2, 2);
        Tensor b = random(rng, new int[] {out}, -2, 2);
        GradCheck.Result r = GradCheck.run(t -> t.get(0).linear(t.get(1), t.get(2)).mul(weights(new int[] {batch, out})).sum(),
                List.of(x, w, b));
        assertThat(r.worst()).isLessThan(1e-7);
    }

    @Property(tries = 30)
    void linearRelu(@ForAll("dims") int batch, @ForAll("dims") int in, @ForAll("dims") int out, @ForAll long seed) {
        Random rng = new Random(seed);
        Tensor x = random(rng, new int[] {batch, in}, -2, 2);
        Tensor w = random(rng, new int[] {out, in}, -2, 2);
        Tensor b = random(rng, new int[] {out}, -2, 2);
        GradCheck.Result r = GradCheck.run(
                t -> t.get(0).linearRelu(t.get(1), t.get(2)).mul(weights(new int[] {batch, out})).sum(), List.of(x, w, b));
        assertThat(r.worst()).isLessThan(1e-7);
    }

    /** The fused op is the two ops it replaces, bit for bit, forward and backward, with and without a bias. */
    @Property(tries = 30)
    void linearReluIsLinearThenRelu(@ForAll("dims") int batch, @ForAll("dims") int in, @ForAll int outSeed,
            @ForAll boolean withBias, @ForAll long seed) {
        int out = 1 + Math.floorMod(outSeed, 40);   // past one vector's width, so the blends' tails are covered
        Random rng = new Random(seed);
        Tensor x = random(rng, new int[] {batch, in}, -2, 2).to(DType.FLOAT32);
        float[][] grads = new float[2][];
        float[][] values = new float[2][];
        Tensor w0 = random(rng, new int[] {out, in}, -2, 2).to(DType.FLOAT32);
        Tensor b0 = random(rng, new int[] {out}, -2, 2).to(DType.FLOAT32);
        for (int fused = 0; fused < 2; fused++) {
            Tensor w = w0.detach().requiresGrad(true);
            Tensor b = withBias ? b0.detach().requiresGrad(true) : null;
            Tensor y = fused == 1 ? x.linearRelu(w, b) : x.linear(w, b).relu();
            y.mul(weights(new int[] {batch, out}).to(DType.FLOAT32)).sum().backward();
            values[fused] = y.floatData();
            grads[fused] = w.grad().floatData();
        }
        assertThat(values[1]).containsExactly(values[0]);
        assertThat(grads[1]).containsExactly(grads[0]);
    }

    @Property(tries = 30)
    void stack(@ForAll("shapes") int[] s, @ForAll long seed) {
        if (s.length > 1) {
            return;
        }
        checkBinary(new int[][] {s, s}, seed, -2, 2, (a, b) -> Tensor.stack(List.of(a, b, a.mul(b))));
    }

    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.integers().between(1, 5);
    }
}
