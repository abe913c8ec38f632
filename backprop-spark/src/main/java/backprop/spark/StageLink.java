package backprop.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The driver's line to the tasks of a run's barrier stage: the connections of the
 * {@link Rendezvous}, kept open for the whole stage attempt. The driver sends commands (the start
 * state, an epoch to train, an evaluation, the end) and every task answers each with a
 * {@link Reply}. It carries a plain binary format of a few message kinds, not Java serialization:
 * the driver's port takes connections from the network.
 */
final class StageLink {
    private StageLink() {}

    /** Message kinds, the first byte of each message. */
    static final byte START = 1;
    static final byte TRAIN = 2;
    static final byte EVALUATE = 3;
    static final byte STOP = 4;
    private static final byte REPLY = 5;

    /** How often a task waiting for the driver looks whether Spark killed it. */
    private static final int POLL_MILLIS = 500;

    /**
     * A command from the driver: {@code weights} and {@code state} for {@link #START}, {@code plan}
     * for {@link #TRAIN}, nothing else for the others.
     */
    record Command(byte kind, float[] weights, Map<String, double[]> state, Plan plan) {
        static final Command EVALUATE_NOW = new Command(EVALUATE, null, null, null);
        static final Command STOP_NOW = new Command(STOP, null, null, null);

        static Command start(float[] weights, Map<String, double[]> state) {
            return new Command(START, weights, state, null);
        }

        static Command train(Plan plan) {
            return new Command(TRAIN, null, null, plan);
        }
    }

    /**
     * One epoch's steps.
     *
     * @param batches each batch's global row numbers, in the epoch's order
     * @param rates each batch's learning rate
     * @param dropoutSeeds each batch's dropout seed (each task mixes in its rank)
     */
    record Plan(int[][] batches, double[] rates, long[] dropoutSeeds) {}

    /**
     * A task's answer to a command: numbers whose meaning the command gives, and from rank 0 after
     * an epoch the weights and the optimizer state (null otherwise).
     */
    record Reply(int rank, double[] numbers, float[] weights, Map<String, double[]> state) {}

    static void write(DataOutputStream out, Command c) throws IOException {
        out.writeByte(c.kind());
        switch (c.kind()) {
            case START -> {
                floats(out, c.weights());
                state(out, c.state());
            }
            case TRAIN -> {
                out.writeInt(c.plan().batches().length);
                for (int[] b : c.plan().batches()) {
                    ints(out, b);
                }
                doubles(out, c.plan().rates());
                out.writeInt(c.plan().dropoutSeeds().length);
                for (long seed : c.plan().dropoutSeeds()) {
                    out.writeLong(seed);
                }
            }
            default -> { }
        }
        out.flush();
    }

    static Command readCommand(DataInputStream in) throws IOException {
        byte kind = in.readByte();
        return switch (kind) {
            case START -> Command.start(floats(in), state(in));
            case TRAIN -> {
                int[][] batches = new int[length(in)][];
                for (int k = 0; k < batches.length; k++) {
                    batches[k] = ints(in);
                }
                double[] rates = doubles(in);
                long[] seeds = new long[length(in)];
                for (int k = 0; k < seeds.length; k++) {
                    seeds[k] = in.readLong();
                }
                yield Command.train(new Plan(batches, rates, seeds));
            }
            case EVALUATE -> Command.EVALUATE_NOW;
            case STOP -> Command.STOP_NOW;
            default -> throw new IOException("stage link: unknown command " + kind);
        };
    }

    static void write(DataOutputStream out, Reply r) throws IOException {
        out.writeByte(REPLY);
        out.writeInt(r.rank());
        doubles(out, r.numbers());
        out.writeBoolean(r.weights() != null);
        if (r.weights() != null) {
            floats(out, r.weights());
            state(out, r.state());
        }
        out.flush();
    }

    static Reply readReply(DataInputStream in) throws IOException {
        if (in.readByte() != REPLY) {
            throw new IOException("stage link: a task sent something other than a reply");
        }
        int rank = in.readInt();
        double[] numbers = doubles(in);
        return in.readBoolean() ? new Reply(rank, numbers, floats(in), state(in)) : new Reply(rank, numbers, null, null);
    }

    /**
     * The driver's side: sends commands to the current stage attempt's tasks and hands out what
     * happens on the connections as {@link Event}s, in order. One reader thread per connection.
     */
    static final class Driver implements AutoCloseable {
        /** What happened on the line: an attempt's ranks all met, a reply came, or a connection ended. */
        sealed interface Event permits Met, Replied, Lost {}

        record Met(int attempt, int size) implements Event {}

        record Replied(int attempt, Reply reply) implements Event {}

        record Lost(int attempt, int rank, String cause) implements Event {}

        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final Map<Integer, List<Socket>> attempts = new LinkedHashMap<>();
        private final Map<Integer, List<DataOutputStream>> outs = new LinkedHashMap<>();

        /** Takes a stage attempt's connections from the rendezvous (on its thread). */
        synchronized void met(Rendezvous.Met met) {
            List<DataOutputStream> streams = new ArrayList<>();
            for (int rank = 0; rank < met.sockets().size(); rank++) {
                Socket s = met.sockets().get(rank);
                try {
                    // replies come when an epoch is done, however long that takes; a dead task closes its connection
                    s.setSoTimeout(0);
                    s.setTcpNoDelay(true);
                    streams.add(new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16)));
                    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                    int r = rank;
                    Thread reader = new Thread(() -> read(met.attempt(), r, in), "backprop-stage-link-" + met.attempt() + "-" + rank);
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException e) {
                    events.add(new Lost(met.attempt(), rank, e.toString()));
                }
            }
            attempts.put(met.attempt(), met.sockets());
            outs.put(met.attempt(), streams);
            events.add(new Met(met.attempt(), met.sockets().size()));
        }

        private void read(int attempt, int rank, DataInputStream in) {
            try {
                while (true) {
                    events.add(new Replied(attempt, readReply(in)));
                }
            } catch (IOException e) {
                events.add(new Lost(attempt, rank, e instanceof EOFException ? "connection closed" : e.toString()));
            }
        }

        /** The next event, or null after {@code millis} without one. */
        Event next(long millis) throws InterruptedException {
            return events.poll(millis, TimeUnit.MILLISECONDS);
        }

        /**
         * Sends {@code command} to every task of {@code attempt}.
         *
         * @return false if a connection failed (its reader reports the loss)
         */
        synchronized boolean send(int attempt, Command command) {
            List<DataOutputStream> streams = outs.get(attempt);
            if (streams == null) {
                return false;
            }
            try {
                for (DataOutputStream out : streams) {
                    write(out, command);
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        /** Closes {@code attempt}'s connections: its tasks, still waiting for the driver, fail at once. */
        synchronized void drop(int attempt) {
            outs.remove(attempt);
            List<Socket> sockets = attempts.remove(attempt);
            if (sockets != null) {
                sockets.forEach(StageLink::closeQuietly);
            }
        }

        @Override
        public synchronized void close() {
            List.copyOf(attempts.keySet()).forEach(this::drop);
        }
    }

    /** A task's side: reads the driver's commands, answers them. */
    static final class Task {
        private final Rendezvous.Joined joined;
        private final Duration timeout;

        Task(Rendezvous.Joined joined, Duration timeout) {
            this.joined = joined;
            this.timeout = timeout;
        }

        /**
         * The driver's next command. Waits as long as the driver takes (its listeners, a checkpoint),
         * looking every half second whether {@code killed}.
         *
         * @throws IllegalStateException if the driver's connection ends, or {@code killed} says so
         */
        Command receive(BooleanSupplier killed) {
            Socket s = joined.socket();
            DataInputStream in = joined.in();
            try {
                while (true) {
                    s.setSoTimeout(POLL_MILLIS);
                    in.mark(1);
                    try {
                        if (in.read() < 0) {
                            throw new IllegalStateException("stage link: the driver closed the connection");
                        }
                        in.reset();
                        break;
                    } catch (SocketTimeoutException e) {
                        if (killed.getAsBoolean()) {
                            throw new IllegalStateException("stage link: the task was killed while waiting for the driver");
                        }
                    }
                }
                s.setSoTimeout(Math.toIntExact(timeout.toMillis()));
                return readCommand(in);
            } catch (IOException e) {
                throw new IllegalStateException("stage link: lost the driver: " + e, e);
            }
        }

        void reply(Reply reply) {
            try {
                write(joined.out(), reply);
            } catch (IOException e) {
                throw new UncheckedIOException("stage link: cannot answer the driver", e);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static int length(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("stage link: negative length " + n);
        }
        return n;
    }

    private static void floats(DataOutputStream out, float[] v) throws IOException {
        out.writeInt(v.length);
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }

    private static float[] floats(DataInputStream in) throws IOException {
        byte[] bytes = new byte[Math.multiplyExact(length(in), Float.BYTES)];
        in.readFully(bytes);
        float[] v = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    private static void doubles(DataOutputStream out, double[] v) throws IOException {
        out.writeInt(v.length);
        ByteBuffer b = ByteBuffer.allocate(v.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v);
        out.write(b.array());
    }

    private static double[] doubles(DataInputStream in) throws IOException {
        byte[] bytes = new byte[Math.multiplyExact(length(in), Double.BYTES)];
        in.readFully(bytes);
        double[] v = new double[bytes.length / Double.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
        return v;
    }

    private static void ints(DataOutputStream out, int[] v) throws IOException {
        out.writeInt(v.length);
        ByteBuffer b = ByteBuffer.allocate(v.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        out.write(b.array());
    }

    private static int[] ints(DataInputStream in) throws IOException {
        byte[] bytes = new byte[Math.multiplyExact(length(in), Integer.BYTES)];
        in.readFully(bytes);
        int[] v = new int[bytes.length / Integer.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
        return v;
    }

    private static void state(DataOutputStream out, Map<String, double[]> state) throws IOException {
        out.writeInt(state.size());
        for (Map.Entry<String, double[]> e : state.entrySet()) {
            out.writeUTF(e.getKey());
            doubles(out, e.getValue());
        }
    }

    private static Map<String, double[]> state(DataInputStream in) throws IOException {
        int n = length(in);
        Map<String, double[]> state = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            state.put(in.readUTF(), doubles(in));
        }
        return state;
    }
}
