package backprop.spark;

import backprop.kernels.Kernels;
import backprop.nn.ParameterVector;
import backprop.nn.Module;
import backprop.optim.Optimizer;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;

/**
 * One epoch of training in one task of a barrier stage. Every task starts from the driver's
 * weights and optimizer state, keeps its replica of the network and optimizer for the whole
 * epoch, and meets the others through a {@link RingAllReduce} between the tasks, whose addresses
 * they swap through the driver's {@link Rendezvous}:
 * <ul>
 *   <li>synchronous: per batch, the gradient of the summed loss of the task's rows of it, summed
 *       over the tasks, divided by the batch size; every replica takes the same optimizer step
 *       with the same bits, so they never drift apart;</li>
 *   <li>averaging every K: K local steps per task on its rows of each batch with its own
 *       optimizer, then the row-weighted average of the weights and the optimizer states.</li>
 * </ul>
 * Task 0 returns the epoch's end state to the driver; the others return nothing.
 */
final class BarrierEpoch {
    private BarrierEpoch() {}

    /**
     * What the driver sends every task for one epoch, in one broadcast.
     *
     * @param batches each batch's global row numbers, in the epoch's order
     * @param rates each batch's learning rate
     * @param dropoutSeeds each batch's dropout seed (each task mixes in its rank)
     * @param averageEvery 0 for synchronous steps, else the local steps between averagings
     * @param rendezvous the driver's {@link Rendezvous}, as {@code host:port}
     */
    record Plan(float[] weights, Map<String, double[]> state, int[][] batches, double[] rates, long[] dropoutSeeds,
                int averageEvery, String rendezvous, Duration timeout) implements Serializable {}

    /**
     * The epoch's end: the weights and optimizer state after its last good step, and over the
     * rows it trained on the loss sum, the correct predictions and the row count. The loss sum is
     * NaN when a step's loss was not finite; the weights are then those from before that step.
     */
    record Outcome(float[] weights, Map<String, double[]> state, double lossSum, long correct, long rows, Profile profile,
                   long setupNanos, long endNanos) implements Serializable {}

    /** The body of a barrier task: this task's shards in, task 0's {@link Outcome} out. */
    static Iterator<Outcome> run(Iterator<Shard> partition, Replica replica, OptimizerFactory optimizers, Plan plan) {
        BarrierTaskContext context = BarrierTaskContext.get();
        List<Shard> shards = new ArrayList<>();
        partition.forEachRemaining(shards::add);
        // the task's cores, as spark.task.cpus gives them (the kernels are per JVM: tasks of one executor share them)
        Kernels.get().setThreads(context.cpus());
        int rank = context.partitionId();
        String executor = context.getTaskInfos()[rank].address();
        String host = executor.substring(0, executor.lastIndexOf(':'));
        Outcome outcome;
        long t0 = System.nanoTime();
        try (RingAllReduce.Listener listener = RingAllReduce.listen(host, plan.timeout())) {
            List<String> addresses = Rendezvous.exchange(plan.rendezvous(), context.stageAttemptNumber(), rank,
                    context.getTaskInfos().length, listener.address(), plan.timeout());
            try (RingAllReduce ring = listener.join(rank, addresses)) {
                Module network = replica.network(plan.weights(), 0);
                Optimizer optimizer = optimizers.create(network.parameters());
                optimizer.loadState(plan.state());
                Task epoch = new Task(replica, network, optimizer, shards, rank);
                epoch.setup = System.nanoTime() - t0;
                outcome = plan.averageEvery() == 0 ? synchronous(epoch, ring, plan, context) : averaging(epoch, ring, plan, context);
            }
        }
        return rank == 0 ? List.of(outcome).iterator() : Collections.emptyIterator();
    }

    private static Outcome synchronous(Task epoch, RingAllReduce ring, Plan plan, BarrierTaskContext context) {
        List<Parameter> params = epoch.network().parameters();
        int size = ParameterVector.size(params);
        boolean diverged = false;
        // the gradient sum of this task's rows of a batch and, last, their loss sum (which says whether any task diverged)
        float[] sum = new float[size + 1];
        for (int k = 0; k < plan.batches().length && !diverged; k++) {
            context.killTaskIfInterrupted();
            Profile p = epoch.profile;
            long t = System.nanoTime();
            ShardWork.Rows rows = ShardWork.Rows.of(epoch.shards(), plan.batches()[k]);
            long t1 = System.nanoTime();
            p.gather += t1 - t;
            boolean backward = rows.n > 0;
            if (!backward) {
                Arrays.fill(sum, 0);
            } else {
                sum[size] = (float) epoch.forwardBackward(rows, plan.dropoutSeeds()[k], true);
                gradients(params, sum, false);
            }
            long t2 = System.nanoTime();
            p.compute += t2 - t1;
            long blocked = ring.blockedNanos;
            ring.sum(sum);
            long t3 = System.nanoTime();
            p.allReduce += t3 - t2;
            p.waiting += ring.blockedNanos - blocked;
            p.steps++;
            diverged = !Float.isFinite(sum[size]);
            if (!diverged) {
                float scale = plan.batches()[k].length;
                for (int i = 0; i < size; i++) {
                    sum[i] /= scale;
                }
                if (backward) {
                    gradients(params, sum, true);
                } else {
                    ParameterVector.setGradients(params, Arrays.copyOf(sum, size));
                }
                epoch.optimizer().setLearningRate(plan.rates()[k]);
                epoch.optimizer().step();
            }
            p.update += System.nanoTime() - t3;
        }
        return epoch.outcome(ring, diverged);
    }

    /**
     * Copies the parameters' gradients (just made by a backward pass, so none is missing) into
     * {@code vector}, or back from it: the steady-state step's gradients travel without the
     * allocations of {@link ParameterVector}'s copies, a fifth of a W1 step on one core.
     */
    private static void gradients(List<Parameter> params, float[] vector, boolean back) {
        int at = 0;
        for (Parameter p : params) {
            float[] grad = p.grad().floatData();
            if (back) {
                System.arraycopy(vector, at, grad, 0, p.size());
            } else {
                System.arraycopy(grad, 0, vector, at, p.size());
            }
            at += p.size();
        }
    }

    private static Outcome averaging(Task epoch, RingAllReduce ring, Plan plan, BarrierTaskContext context) {
        List<Parameter> params = epoch.network().parameters();
        Optimizer optimizer = epoch.optimizer();
        int size = ParameterVector.size(params);
        float[] averaged = plan.weights();
        Map<String, double[]> averagedState = plan.state();
        boolean diverged = false;
        for (int first = 0; first < plan.batches().length && !diverged; first += plan.averageEvery()) {
            int last = Math.min(plan.batches().length, first + plan.averageEvery());
            double roundLoss = 0;
            long seen = 0;
            for (int k = first; k < last; k++) {
                context.killTaskIfInterrupted();
                ShardWork.Rows rows = ShardWork.Rows.of(epoch.shards(), plan.batches()[k]);
                if (rows.n == 0) {
                    continue;
                }
                optimizer.setLearningRate(plan.rates()[k]);
                roundLoss += epoch.forwardBackward(rows, plan.dropoutSeeds()[k], false);
                optimizer.step();
                seen += rows.n;
            }
            // weights and optimizer state times the rows they saw, the rows, and the round's loss sum
            Map<String, double[]> state = optimizer.state();
            int stateSize = state.values().stream().mapToInt(v -> v.length).sum();
            double[] sum = new double[size + stateSize + 2];
            float[] w = ParameterVector.values(params);
            for (int i = 0; i < size; i++) {
                sum[i] = (double) w[i] * seen;
            }
            int at = size;
            for (double[] v : state.values()) {
                for (double x : v) {
                    sum[at++] = x * seen;
                }
            }
            sum[at] = seen;
            sum[at + 1] = roundLoss;
            ring.sum(sum);
            diverged = !Double.isFinite(sum[at + 1]);
            if (!diverged) {
                double rows = sum[at];
                averaged = new float[size];
                for (int i = 0; i < size; i++) {
                    averaged[i] = (float) (sum[i] / rows);
                }
                averagedState = new LinkedHashMap<>();
                at = size;
                for (Map.Entry<String, double[]> e : state.entrySet()) {
                    double[] v = new double[e.getValue().length];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = sum[at++] / rows;
                    }
                    averagedState.put(e.getKey(), v);
                }
            }
            // a diverged round is undone: every replica goes back to the last average
            ParameterVector.setValues(params, averaged);
            optimizer.loadState(averagedState);
        }
        return epoch.outcome(ring, diverged);
    }

    /** A task's replica for the epoch: network, optimizer, rows, and the epoch's sums so far. */
    private static final class Task {
        private final Replica replica;
        private final Module network;
        private final Optimizer optimizer;
        private final List<Shard> shards;
        private final int rank;
        private double lossSum;
        private long correct;
        private long rows;
        final Profile profile = new Profile();
        long setup;

        Task(Replica replica, Module network, Optimizer optimizer, List<Shard> shards, int rank) {
            this.replica = replica;
            this.network = network;
            this.optimizer = optimizer;
            this.shards = shards;
            this.rank = rank;
        }

        Module network() {
            return network;
        }

        Optimizer optimizer() {
            return optimizer;
        }

        List<Shard> shards() {
            return shards;
        }

        /**
         * Zeroes the gradients and back-propagates the loss of {@code batch}: its sum over the
         * rows when {@code summed} (the tasks' sums make the batch's), else its mean (a local
         * step). Each task draws its own dropout masks, from the batch's seed and its rank.
         *
         * @return the loss summed over the rows
         */
        double forwardBackward(ShardWork.Rows batch, long dropoutSeed, boolean summed) {
            optimizer.zeroGrad();
            Replica.reseed(network, dropoutSeed ^ (rank * 0x9E3779B97F4A7C15L));
            Tensor z = network.forward(batch.input());
            Tensor loss = replica.objective().loss(z, batch.labels, batch.targets, batch.n);
            double sum = loss.item() * batch.n;
            (summed ? loss.mul(batch.n) : loss).backward();
            lossSum += sum;
            correct += batch.correct(replica.objective(), z);
            rows += batch.n;
            return sum;
        }

        /** The epoch's end state, with the sums over every task (a collective call: every task makes it). */
        Outcome outcome(RingAllReduce ring, boolean diverged) {
            long t0 = System.nanoTime();
            double[] sums = {lossSum, correct, rows, profile.gather, profile.compute, profile.allReduce, profile.waiting,
                profile.update, profile.steps, setup};
            ring.sum(sums);
            Profile all = new Profile();
            all.gather = (long) sums[3];
            all.compute = (long) sums[4];
            all.allReduce = (long) sums[5];
            all.waiting = (long) sums[6];
            all.update = (long) sums[7];
            all.steps = (long) sums[8];
            Outcome o = new Outcome(ParameterVector.values(network.parameters()), optimizer.state(),
                    diverged ? Double.NaN : sums[0], (long) sums[1], (long) sums[2], all, (long) sums[9], 0);
            return new Outcome(o.weights(), o.state(), o.lossSum(), o.correct(), o.rows(), all, (long) sums[9], System.nanoTime() - t0);
        }
    }
}
