package backprop.data;

import java.util.random.RandomGenerator;

/** Fisher-Yates shuffles; one place so that splits and batches shuffle the same way. */
final class Permutations {
    private Permutations() {}

    /** {@code 0..n-1} in an order drawn from {@code random}. */
    static int[] shuffled(int n, RandomGenerator random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffleInPlace(order, random);
        return order;
    }

    /** Permutes {@code a} uniformly at random, drawing {@code a.length - 1} integers from {@code random}. */
    static void shuffleInPlace(int[] a, RandomGenerator random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
