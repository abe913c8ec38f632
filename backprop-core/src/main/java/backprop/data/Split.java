package backprop.data;

import static backprop.internal.Checks.require;

import java.util.random.RandomGenerator;

/**
 * A train/test split of one data set: every row lands in exactly one of the two.
 *
 * @param train the rows to learn from
 * @param test  the held-out rows
 */
public record Split(Dataset train, Dataset test) {

    /**
     * Shuffles the rows with {@code random} and holds out {@code round(size * testFraction)}
     * of them (at least 1, at most {@code size - 1}) as the test set. The same data, fraction
     * and random state give the same split.
     *
     * @param data the rows to split, at least 2
     * @param testFraction the share of rows for the test set, in {@code (0, 1)}
     * @param random the source of the shuffle; advanced
     * @return the two parts, each in shuffled order
     * @throws IllegalArgumentException unless {@code 0 < testFraction < 1} and the data has at least 2 rows
     */
    public static Split shuffled(Dataset data, double testFraction, RandomGenerator random) {
        int n = data.size();
        int testSize = testSize(n, testFraction);
        int[] order = Permutations.shuffled(n, random);
        return cut(data, order, n - testSize);
    }

    /**
     * As {@link #shuffled}, but each class is split on its own so that both parts keep the class
     * proportions (within one row per class); classification only. Each class with at least two
     * rows gives at least one to each part.
     *
     * @param data classification rows to split, at least 2
     * @param testFraction the share of each class for the test set, in {@code (0, 1)}
     * @param random the source of the shuffles; advanced
     * @return the two parts, each in shuffled order
     * @throws IllegalArgumentException for regression data, or as {@link #shuffled}
     */

    public static Split stratified(Dataset data, double testFraction, RandomGenerator random) {
        require(data.task() == Task.CLASSIFICATION, "Split.stratified: needs classification data; got %s", data.task().id());
        testSize(data.size(), testFraction);
        int[] counts = data.classCounts();
        int[][] byClass = new int[counts.length][];
        int[] fill = new int[counts.length];
        for (int c = 0; c < counts.length; c++) {
            byClass[c] = new int[counts[c]];
        }
        for (int i = 0; i < data.size(); i++) {
            int c = data.label(i);
            byClass[c][fill[c]++] = i;
        }
        int n = data.size();
        int[] trainRows = new int[n];
        int[] testRows = new int[n];
        int trainCount = 0;
        int testCount = 0;
        for (int[] rows : byClass) {
            Permutations.shuffleInPlace(rows, random);
            int t = rows.length < 2 ? 0 : testSize(rows.length, testFraction);
            System.arraycopy(rows, 0, testRows, testCount, t);
            System.arraycopy(rows, t, trainRows, trainCount, rows.length - t);
            testCount += t;
            trainCount += rows.length - t;
        }
        // Shuffle again so that neither part is sorted by class.
        int[] train = java.util.Arrays.copyOf(trainRows, trainCount);
        int[] test = java.util.Arrays.copyOf(testRows, testCount);
        Permutations.shuffleInPlace(train, random);
        Permutations.shuffleInPlace(test, random);
        return new Split(data.subset(train), data.subset(test));
    }

    /**
     * {@link #stratified} for classification, else {@link #shuffled}.
     *
     * @param data the rows to split, at least 2
     * @param testFraction the share of rows for the test set, in {@code (0, 1)}
     * @param random the source of the shuffles; advanced
     * @return the two parts
     */
    public static Split of(Dataset data, double testFraction, RandomGenerator random) {
        return data.task() == Task.CLASSIFICATION ? stratified(data, testFraction, random) : shuffled(data, testFraction, random);
    }

    private static Split cut(Dataset data, int[] order, int trainSize) {
        return new Split(data.subset(java.util.Arrays.copyOfRange(order, 0, trainSize)),
                data.subset(java.util.Arrays.copyOfRange(order, trainSize, order.length)));
    }

    private static int testSize(int n, double testFraction) {
        require(testFraction > 0 && testFraction < 1, "Split: testFraction must be in (0, 1); got %s", testFraction);
        require(n >= 2, "Split: need at least 2 rows to split; got %d", n);
        long rounded = Math.round(n * testFraction);
        return (int) Math.max(1, Math.min(n - 1, rounded));
    }
}
