package backprop.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Where the tasks of a barrier stage learn each other's {@link RingAllReduce} addresses: a small
 * server on the driver that every task tells its rank and address, and that answers each of them
 * with all N addresses once the N tasks of the same stage attempt have come. It carries a few
 * bytes per task per stage, never the data.
 *
 * <p>A run's stage keeps the connections open after the answer ({@link #open(String, Duration, Consumer)}):
 * they are the driver's line to its tasks for the rest of the stage attempt ({@link StageLink}).
 *
 * <p>Spark's own {@code BarrierTaskContext.allGather} does the same, but every call takes at least
 * a second (the task polls the driver's answer with a one-second sleep, Spark 4.0), which is most
 * of an epoch of a small model; this takes milliseconds.
 */
final class Rendezvous implements AutoCloseable {
    /** At most this many ranks: a sanity bound on what a connection may claim. */
    private static final int MAX_RANKS = 1 << 16;

    private final ServerSocket server;
    private final Duration timeout;
    private final Thread acceptor;
    /** Takes each stage attempt's connections once all its ranks came, or null to close them after the answer. */
    private final Consumer<Met> onMeet;
    /** Per stage attempt, the connections waiting for their answer, by rank. */
    private final Map<Integer, TreeMap<Integer, Waiting>> attempts = new HashMap<>();

    private record Waiting(Socket socket, String address, int size) {}

    /** A stage attempt whose ranks all came: their connections by rank, answered and still open. */
    record Met(int attempt, List<Socket> sockets) {}

    /** A task's side of the meeting: every rank's address, and the connection to the driver if it stays open. */
    record Joined(List<String> addresses, Socket socket, DataInputStream in, DataOutputStream out) implements AutoCloseable {
        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private Rendezvous(ServerSocket server, Duration timeout, Consumer<Met> onMeet) {
        this.server = server;
        this.timeout = timeout;
        this.onMeet = onMeet;
        this.acceptor = new Thread(this::accept, "backprop-rendezvous");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Listens on {@code host} (the driver's address as the executors reach it) at a free port.
     *
     * @param timeout how long one task's registration may take to arrive once connected
     */
    static Rendezvous open(String host, Duration timeout) {
        return open(host, timeout, null);
    }

    /**
     * As {@link #open(String, Duration)}, handing each stage attempt's connections to {@code onMeet}
     * (on the server's thread) once every rank has its answer, instead of closing them.
     */
    static Rendezvous open(String host, Duration timeout, Consumer<Met> onMeet) {
        try {
            ServerSocket server = new ServerSocket(0, 128, InetAddress.getByName(host));
            return new Rendezvous(server, timeout, onMeet);
        } catch (IOException e) {
            throw new UncheckedIOException("rendezvous: cannot listen on " + host + ": " + e.getMessage(), e);
        }
    }

    /** Where tasks reach this server, as {@code host:port}. */
    String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    /**
     * A task's side: registers {@code address} as rank {@code rank} of {@code size} for stage
     * attempt {@code attempt}, and waits (at most {@code timeout}) for every rank's address.
     *
     * @return the addresses by rank
     * @throws IllegalStateException if the server cannot be reached or the others do not come in time
     */
    static List<String> exchange(String rendezvous, int attempt, int rank, int size, String address, Duration timeout) {
        try (Joined joined = join(rendezvous, attempt, rank, size, address, timeout)) {
            return joined.addresses();
        }
    }

    /**
     * As {@link #exchange}, keeping the connection open for a rendezvous that keeps it
     * ({@link #open(String, Duration, Consumer)}); the caller closes it.
     */
    static Joined join(String rendezvous, int attempt, int rank, int size, String address, Duration timeout) {
        int colon = rendezvous.lastIndexOf(':');
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(rendezvous.substring(0, colon), Integer.parseInt(rendezvous.substring(colon + 1))),
                    Math.toIntExact(timeout.toMillis()));
            s.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            s.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16));
            out.writeInt(attempt);
            out.writeInt(rank);
            out.writeInt(size);
            out.writeUTF(address);
            out.flush();
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream(), 1 << 16));
            int n = in.readInt();
            List<String> addresses = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                addresses.add(in.readUTF());
            }
            return new Joined(addresses, s, in, out);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("rendezvous: rank %d of %d got no addresses from %s within %s: %s"
                    .formatted(rank, size, rendezvous, timeout, e), e);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                try {
                    s.setSoTimeout(Math.toIntExact(timeout.toMillis()));
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    int attempt = in.readInt();
                    int rank = in.readInt();
                    int size = in.readInt();
                    String address = in.readUTF();
                    if (size < 1 || size > MAX_RANKS || rank < 0 || rank >= size) {
                        s.close();   // not one of ours: the task's read fails
                        continue;
                    }
                    register(attempt, rank, new Waiting(s, address, size));
                } catch (IOException e) {
                    s.close();
                }
            } catch (IOException e) {
                // closed, or one connection failed: the loop's condition tells which
            }
        }
    }

    private void register(int attempt, int rank, Waiting waiting) throws IOException {
        TreeMap<Integer, Waiting> ranks = attempts.computeIfAbsent(attempt, a -> new TreeMap<>());
        Waiting earlier = ranks.put(rank, waiting);
        if (earlier != null) {
            earlier.socket().close();
        }
        if (ranks.size() < waiting.size()) {
            return;
        }
        attempts.remove(attempt);
        List<Socket> sockets = new ArrayList<>();
        for (Waiting w : ranks.values()) {
            Socket s = w.socket();
            try {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeInt(ranks.size());
                for (Waiting each : ranks.values()) {
                    out.writeUTF(each.address());
                }
                out.flush();
            } catch (IOException e) {
                // that task is gone; its stage attempt fails without our help
            }
            if (onMeet == null) {
                s.close();
            }
            sockets.add(s);
        }
        if (onMeet != null) {
            onMeet.accept(new Met(attempt, sockets));
        }
    }

    /** Stops listening and drops the connections still waiting (their tasks' reads fail). */
    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            attempts.values().forEach(ranks -> ranks.values().forEach(w -> {
                try {
                    w.socket().close();
                } catch (IOException e) {
                    // closing anyway
                }
            }));
        }
    }
}
