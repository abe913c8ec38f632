package backprop.spark;

import backprop.data.Dataset;
import backprop.nn.Module;
import backprop.tensor.Tensor;
import backprop.train.Evaluation;
import backprop.train.Objective;
import java.util.List;

/** What a task computes with the core engine on its {@link Shard}s: a batch's rows there, and scores. */
final class ShardWork {
    private ShardWork() {}

    /** Core's evaluation of the network with {@code weights} on the whole shard, as sums. */
    static Score score(Shard shard, Replica replica, float[] weights) {
        if (shard.size() == 0) {
            return Score.ZERO;
        }
        Module net = replica.network(weights, 0);
        return Score.of(Evaluation.of(net, replica.objective(), shard.dataset(), 1024));
    }

    /** A shard's rows of one batch, gathered into buffers the way core's trainer fills them. */
    static final class Rows {
        final int n;
        final float[] x;
        final int[] labels;
        final float[] targets;
        final int d;

        private Rows(int n, float[] x, int[] labels, float[] targets, int d) {
            this.n = n;
            this.x = x;
            this.labels = labels;
            this.targets = targets;
            this.d = d;
        }

        /** The rows of {@code batch} (global row numbers) that live in {@code shards}, shard by shard. */
        static Rows of(List<Shard> shards, int[] batch) {
            return of(shards, batch, null);
        }

        /**
         * As {@link #of(List, int[])}, into {@code previous}'s arrays when it has as many rows (a
         * step's rows are read before the next step gathers): a task's batches mostly do.
         */
        static Rows of(List<Shard> shards, int[] batch, Rows previous) {
            int d = shards.isEmpty() ? 0 : shards.get(0).dimensions();
            int[][] local = new int[shards.size()][];
            int n = 0;
            for (int s = 0; s < local.length; s++) {
                local[s] = shards.get(s).localRows(batch);
                n += local[s].length;
            }
            boolean reuse = previous != null && previous.n == n && previous.d == d;
            float[] x = reuse ? previous.x : new float[n * d];
            int[] labels = reuse ? previous.labels : new int[n];
            float[] targets = reuse ? previous.targets : new float[n];
            int at = 0;
            for (int s = 0; s < local.length; s++) {
                int m = local[s].length;
                if (m == 0) {
                    continue;
                }
                Dataset data = shards.get(s).dataset();
                // copyRows fills from index 0: one shard (the usual case) straight into the batch, more through a copy
                float[] rows = at == 0 ? x : new float[m * d];
                data.copyRows(local[s], 0, m, rows);
                if (rows != x) {
                    System.arraycopy(rows, 0, x, at * d, m * d);
                }
                if (data.numClasses() > 0) {
                    int[] l = new int[m];
                    data.copyLabels(local[s], 0, m, l);
                    System.arraycopy(l, 0, labels, at, m);
                } else {
                    float[] t = new float[m];
                    data.copyTargets(local[s], 0, m, t);
                    System.arraycopy(t, 0, targets, at, m);
                }
                at += m;
            }
            return new Rows(n, x, labels, targets, d);
        }

        Tensor input() {
            return Tensor.wrap(x, n, d);
        }

        long correct(Objective objective, Tensor z) {
            if (!objective.isClassification()) {
                return 0;
            }
            int[] predicted = new int[n];
            try (var noGrad = backprop.autograd.GradMode.disabled()) {
                objective.classify(z, predicted);
            }
            long c = 0;
            for (int i = 0; i < n; i++) {
                c += predicted[i] == labels[i] ? 1 : 0;
            }
            return c;
        }
    }
}
