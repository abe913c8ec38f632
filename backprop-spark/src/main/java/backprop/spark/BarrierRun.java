package backprop.spark;

import backprop.autograd.Workspace;
import backprop.kernels.Kernels;
import backprop.nn.Module;
import backprop.nn.ParameterVector;
import backprop.optim.Optimizer;
import backprop.tensor.Parameter;
import backprop.tensor.Tensor;
import backprop.train.Evaluation;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.BarrierTaskContext;

/**
 * A whole run in one task of a barrier stage. The task meets the others through the driver's
 * {@link Rendezvous}, joins an {@link AllReduce} with them, and then does what the driver's
 * {@link StageLink} asks, epoch after epoch, keeping its replica of the network and the optimizer
 * in between: take the start state, train an epoch, score its test rows, stop.
 * <ul>
 *   <li>synchronous: per batch, the gradient of the summed loss of the task's rows of it, summed
 *       over the tasks, divided by the batch size; every replica takes the same optimizer step
 *       with the same bits, so they never drift apart;</li>
 *   <li>averaging every K: K local steps per task on its rows of each batch with its own
 *       optimizer, then the row-weighted average of the weights and the optimizer states.</li>
 * </ul>
 * After an epoch every task answers with the epoch's sums over all tasks, rank 0 also with the
 * weights and the optimizer state; after an evaluation each with its own test rows' {@link Score}.
 */
final class BarrierRun {
    private BarrierRun() {}

    /** Tells the tasks of one JVM apart from those of another: ranks that all share it sum through memory. */
    private static final String JVM = UUID.randomUUID().toString();

    /**
     * What every task gets with its function.
     *
     * @param averageEvery 0 for synchronous steps, else the local steps between averagings
     * @param rendezvous the driver's {@link Rendezvous}, as {@code host:port}
     * @param timeout the longest wait for another task in an all-reduce
     * @param threads the task's kernel threads ({@link SparkData#threadsPerTask})
     */
    record Setup(int averageEvery, String rendezvous, Duration timeout, int threads) implements Serializable {}

    /** A task's rows: its training shards and its share of the test rows (empty when there are none). */
    record Rows(List<Shard> train, List<Shard> test) implements Serializable {}

    /** An epoch's answer, {@link StageLink.Reply#numbers()}: the loss sum (NaN if the epoch diverged), correct predictions, rows, then the {@link Profile} sums. */
    static final int LOSS = 0;
    static final int CORRECT = 1;
    static final int ROWS = 2;
    static final int PROFILE = 3;

    /** The body of a barrier task: returns nothing, everything goes through the driver's line. */
    static Iterator<Object> run(Iterator<Rows> partition, Replica replica, OptimizerFactory optimizers, Setup setup) {
        BarrierTaskContext context = BarrierTaskContext.get();
        JitWarmup.stopHere();
        List<Shard> train = new ArrayList<>();
        List<Shard> test = new ArrayList<>();
        partition.forEachRemaining(r -> {
            train.addAll(r.train());
            test.addAll(r.test());
        });
        // the task's cores (the kernels are per JVM: tasks of one executor share them)
        Kernels.get().setThreads(setup.threads());
        int rank = context.partitionId();
        int size = context.getTaskInfos().length;
        String executor = context.getTaskInfos()[rank].address();
        String host = executor.substring(0, executor.lastIndexOf(':'));
        try (RingAllReduce.Listener listener = RingAllReduce.listen(host, setup.timeout());
             Rendezvous.Joined joined = Rendezvous.join(setup.rendezvous(), context.stageAttemptNumber(), rank, size,
                     listener.address() + " " + JVM, setup.timeout());
             AllReduce all = allReduce(listener, joined.addresses(), setup, context.stageAttemptNumber(), rank)) {
            StageLink.Task link = new StageLink.Task(joined, setup.timeout());
            Task task = null;
            while (true) {
                StageLink.Command command = link.receive(context::isInterrupted);
                switch (command.kind()) {
                    case StageLink.START -> {
                        Module network = replica.network(command.weights(), 0);
                        Optimizer optimizer = optimizers.create(network.parameters());
                        optimizer.loadState(command.state());
                        task = new Task(replica, network, optimizer, train, rank);
                    }
                    case StageLink.TRAIN -> {
                        if (task == null) {
                            throw new IllegalStateException("bug: the driver asked for an epoch before the start state");
                        }
                        task.startEpoch();
                        boolean diverged = setup.averageEvery() == 0
                                ? synchronous(task, all, size == 1, command.plan(), context)
                                : averaging(task, all, command.plan(), setup.averageEvery(), context);
                        link.reply(task.outcome(all, diverged));
                    }
                    case StageLink.EVALUATE -> {
                        if (task == null) {
                            throw new IllegalStateException("bug: the driver asked for an evaluation before the start state");
                        }
                        link.reply(new StageLink.Reply(rank, task.score(test).toNumbers(), null, null));
                    }
                    case StageLink.STOP -> {
                        return Collections.emptyIterator();
                    }
                    default -> throw new IllegalStateException("bug: unknown command " + command.kind());
                }
            }
        }
    }

    /** Through memory when every rank is a thread of this JVM, else the TCP ring. */
    private static AllReduce allReduce(RingAllReduce.Listener listener, List<String> joined, Setup setup, int attempt, int rank) {
        List<String> addresses = new ArrayList<>();
        boolean local = true;
        for (String a : joined) {
            int space = a.indexOf(' ');
            addresses.add(a.substring(0, space));
            local &= a.substring(space + 1).equals(JVM);
        }
        if (local) {
            listener.close();
            return LocalAllReduce.join(setup.rendezvous() + "/" + attempt, rank, addresses.size(), setup.timeout());
        }
        return listener.join(rank, addresses);
    }

    private static boolean synchronous(Task task, AllReduce all, boolean alone, StageLink.Plan plan, BarrierTaskContext context) {
        List<Parameter> params = task.network.parameters();
        int size = ParameterVector.size(params);
        // the gradient sum of this task's rows of a batch and, last, their loss sum (which says whether any task diverged)
        float[] sum = task.gradientBuffer(size + 1);
        Profile p = task.profile;
        for (int k = 0; k < plan.batches().length; k++) {
            context.killTaskIfInterrupted();
            long t = System.nanoTime();
            ShardWork.Rows rows = task.rows(plan.batches()[k]);
            long t1 = System.nanoTime();
            p.gather += t1 - t;
            boolean backward = rows.n > 0;
            // the only task of the stage has nothing to add: its gradients are scaled where backward left them
            boolean inPlace = alone && backward;
            if (!backward) {
                Arrays.fill(sum, 0);
            } else {
                sum[size] = (float) task.forwardBackward(rows, plan.dropoutSeeds()[k], true);
                if (!inPlace) {
                    gradients(params, sum, false);
                }
            }
            long t2 = System.nanoTime();
            p.compute += t2 - t1;
            if (!inPlace) {
                long blocked = all.blockedNanos();
                all.sum(sum);
                p.waiting += all.blockedNanos() - blocked;
            }
            long t3 = System.nanoTime();
            p.allReduce += t3 - t2;
            p.steps++;
            if (!Float.isFinite(sum[size])) {
                return true;
            }
            float scale = plan.batches()[k].length;
            if (inPlace) {
                divideGradients(params, scale);
            } else {
                for (int i = 0; i < size; i++) {
                    sum[i] /= scale;
                }
                if (backward) {
                    gradients(params, sum, true);
                } else {
                    ParameterVector.setGradients(params, Arrays.copyOf(sum, size));
                }
            }
            task.optimizer.setLearningRate(plan.rates()[k]);
            task.optimizer.step();
            p.update += System.nanoTime() - t3;
        }
        return false;
    }

    /** Divides the parameters' gradients by {@code scale} where they are: the same divisions as on the summed vector, without its two copies. */
    private static void divideGradients(List<Parameter> params, float scale) {
        for (Parameter p : params) {
            float[] grad = p.grad().floatData();
            for (int i = 0; i < p.size(); i++) {
                grad[i] /= scale;
            }
        }
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

    private static boolean averaging(Task task, AllReduce all, StageLink.Plan plan, int averageEvery, BarrierTaskContext context) {
        List<Parameter> params = task.network.parameters();
        Optimizer optimizer = task.optimizer;
        int size = ParameterVector.size(params);
        float[] averaged = ParameterVector.values(params);
        Map<String, double[]> averagedState = optimizer.state();
        for (int first = 0; first < plan.batches().length; first += averageEvery) {
            int last = Math.min(plan.batches().length, first + averageEvery);
            double roundLoss = 0;
            long seen = 0;
            for (int k = first; k < last; k++) {
                context.killTaskIfInterrupted();
                ShardWork.Rows rows = task.rows(plan.batches()[k]);
                if (rows.n == 0) {
                    continue;
                }
                optimizer.setLearningRate(plan.rates()[k]);
                roundLoss += task.forwardBackward(rows, plan.dropoutSeeds()[k], false);
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
            all.sum(sum);
            boolean diverged = !Double.isFinite(sum[at + 1]);
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
            if (diverged) {
                return true;
            }
        }
        return false;
    }

    /** A task's replica for the run: network, optimizer, rows, and the current epoch's sums. */
    private static final class Task {
        private final Replica replica;
        private final Module network;
        private final Optimizer optimizer;
        private final List<Shard> shards;
        private final int rank;
        private double lossSum;
        private long correct;
        private long rows;
        private Profile profile = new Profile();
        private float[] gradients;
        private long allocatedBefore;
        /** The last step's gathered rows, whose arrays the next step of as many rows fills again. */
        private ShardWork.Rows lastRows;
        /** The step's activations and intermediate gradients, reused from step to step (as core's trainer does). */
        private final Workspace workspace = new Workspace();

        Task(Replica replica, Module network, Optimizer optimizer, List<Shard> shards, int rank) {
            this.replica = replica;
            this.network = network;
            this.optimizer = optimizer;
            this.shards = shards;
            this.rank = rank;
        }

        void startEpoch() {
            lossSum = 0;
            correct = 0;
            rows = 0;
            profile = new Profile();
            allocatedBefore = Profile.allocatedByThisThread();
        }

        /** The step's vector of gradients and loss, kept from step to step. */
        float[] gradientBuffer(int length) {
            if (gradients == null || gradients.length != length) {
                gradients = new float[length];
            }
            return gradients;
        }

        ShardWork.Rows rows(int[] batch) {
            lastRows = ShardWork.Rows.of(shards, batch, lastRows);
            return lastRows;
        }

        /**
         * Zeroes the gradients and back-propagates the loss of {@code batch}: its sum over the
         * rows when {@code summed} (the tasks' sums make the batch's), else its mean (a local
         * step). Each task draws its own dropout masks, from the batch's seed and its rank.
         *
         * @return the loss summed over the rows
         */
        double forwardBackward(ShardWork.Rows batch, long dropoutSeed, boolean summed) {
            // everything computed here is read before the next step; the parameters' gradients are their own storage
            try (var reuse = workspace.step()) {
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
        }

        /**
         * The epoch's end, with the sums over every task (a collective call: every task makes it);
         * rank 0's carries the weights and the optimizer state.
         */
        StageLink.Reply outcome(AllReduce all, boolean diverged) {
            long allocated = Profile.allocatedByThisThread();
            profile.allocated = allocated < 0 ? -1 : allocated - allocatedBefore;
            double[] sums = {lossSum, correct, rows, profile.gather, profile.compute, profile.allReduce, profile.waiting,
                profile.update, profile.steps, profile.allocated};
            all.sum(sums);
            if (diverged) {
                sums[LOSS] = Double.NaN;
            }
            return rank == 0
                    ? new StageLink.Reply(rank, sums, ParameterVector.values(network.parameters()), optimizer.state())
                    : new StageLink.Reply(rank, sums, null, null);
        }

        /** Core's evaluation of the network on {@code test}, as sums. */
        Score score(List<Shard> test) {
            Score score = Score.ZERO;
            for (Shard s : test) {
                if (s.size() > 0) {
                    score = Score.add(score, Score.of(Evaluation.of(network, replica.objective(), s.dataset(), 1024)));
                }
            }
            return score;
        }
    }
}
