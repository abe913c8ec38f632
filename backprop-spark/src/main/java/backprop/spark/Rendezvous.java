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

/**
 * Where the tasks of a barrier stage learn each other's {@link RingAllReduce} addresses: a small
 * server on the driver that every task tells its rank and address, and that answers each of them
 * with all N addresses once the N tasks of the same stage attempt have come. It carries a few
 * bytes per task per stage, never the data.
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
    /** Per stage attempt, the connections waiting for their answer, by rank. */
    private final Map<Integer, TreeMap<Integer, Waiting>> attempts = new HashMap<>();

    private record Waiting(Socket socket, String address, int size) {}

    private Rendezvous(ServerSocket server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
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
        try {
            ServerSocket server = new ServerSocket(0, 128, InetAddress.getByName(host));
            return new Rendezvous(server, timeout);
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
        int colon = rendezvous.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(rendezvous.substring(0, colon), Integer.parseInt(rendezvous.substring(colon + 1))),
                    Math.toIntExact(timeout.toMillis()));
            s.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(attempt);
            out.writeInt(rank);
            out.writeInt(size);
            out.writeUTF(address);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int n = in.readInt();
            List<String> addresses = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                addresses.add(in.readUTF());
            }
            return addresses;
        } catch (IOException e) {
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
        for (Waiting w : ranks.values()) {
            try (Socket s = w.socket()) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeInt(ranks.size());
                for (Waiting each : ranks.values()) {
                    out.writeUTF(each.address());
                }
                out.flush();
            } catch (IOException e) {
                // that task is gone; its stage attempt fails without our help
            }
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
