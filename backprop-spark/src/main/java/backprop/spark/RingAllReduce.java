package backprop.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * A sum all-reduce among the {@code N} tasks of one barrier stage over direct TCP connections, as
 * a ring: rank {@code r} sends to {@code r+1} and receives from {@code r-1} (mod N). A vector is
 * cut into N chunks; N-1 reduce-scatter steps leave each rank with the full sum of one chunk, and
 * N-1 all-gather steps hand every sum on. Each rank sends and receives {@code 2(N-1)/N} of the
 * vector, whatever N is, and the driver carries none of it. Two ranks simply swap whole vectors:
 * the same bytes, in one round trip instead of two.
 *
 * <p>Every chunk is added up once, by one rank, in an order fixed by the ranks, and then copied to
 * the others (with two ranks each adds the same two numbers, and float addition commutes): all
 * ranks end with the same bits, and a rerun with the same ranks gives them again.
 *
 * <p>The task's own thread moves the bytes, on non-blocking sockets: it writes what the socket
 * takes, reads what has come and adds it in while the rest is still on its way, and sleeps in a
 * {@link Selector} only when neither socket has moved for a while ({@link Patience}). A Netty event loop (the first version) put
 * two thread wake-ups and two more copies between the wire and the sum, on machines where the
 * tasks already hold every core: 2.4 ms for W1's 0.94 MB between two executors, against
 * docs/scaling.md's figures for this one.
 *
 * <p>Use: every rank {@link #listen}s, the addresses are shared (through the driver's
 * {@link Rendezvous}), then every rank {@link Listener#join}s the ring and calls the same sums in
 * the same order with vectors of the same length. A peer that dies, a connection that breaks and
 * a wait longer than the timeout end the call with an {@link IllegalStateException}, which fails
 * the task and so the stage.
 */
final class RingAllReduce implements AllReduce {
    /**
     * Socket buffers that hold a W1 vector (0.94 MB) whole, so that a send is one system call and
     * the receiver finds it all there; the kernel caps them at net.core.[rw]mem_max.
     */
    private static final int SOCKET_BUFFER = 4 << 20;

    private final int rank;
    private final int size;
    private final Duration timeout;
    private final ServerSocketChannel server;
    private final SocketChannel next;
    private final SocketChannel previous;
    private final Selector selector;
    private final SelectionKey toNext;
    private final SelectionKey fromPrevious;
    private boolean closed;
    /** The bytes on their way out and in, kept from sum to sum. */
    private ByteBuffer out = ByteBuffer.allocateDirect(0);
    private ByteBuffer in = ByteBuffer.allocateDirect(0);
    /** Received values as numbers, so that adding them up is a loop over arrays. */
    private float[] floats = new float[0];
    private double[] doubles = new double[0];
    private long blockedNanos;

    private RingAllReduce(int rank, int size, Duration timeout, ServerSocketChannel server, SocketChannel next,
                          SocketChannel previous) throws IOException {
        this.rank = rank;
        this.size = size;
        this.timeout = timeout;
        this.server = server;
        this.next = next;
        this.previous = previous;
        this.selector = Selector.open();
        if (next != null) {
            next.configureBlocking(false);
            previous.configureBlocking(false);
            toNext = next.register(selector, 0);
            fromPrevious = previous.register(selector, 0);
        } else {
            toNext = null;
            fromPrevious = null;
        }
    }

    /**
     * Opens this rank's server on {@code host} at a free port, before any peer knows of it.
     *
     * @param timeout the longest wait for a connection or for a peer's data
     */
    static Listener listen(String host, Duration timeout) {
        return new Listener(host, timeout);
    }

    /** A rank's open server, waiting for its address to be shared; close it if the ring is never joined. */
    static final class Listener implements AutoCloseable {
        private final Duration timeout;
        private final ServerSocketChannel server;
        private boolean joined;

        private Listener(String host, Duration timeout) {
            this.timeout = timeout;
            try {
                server = ServerSocketChannel.open();
                // accepted sockets take the receive buffer from the server: set before bind, as TCP's window scale needs
                server.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
                server.bind(new InetSocketAddress(host, 0));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("all-reduce: cannot listen on " + host + ": " + e.getMessage(), e);
            }
        }

        /** The address peers connect to, as {@code host:port}. */
        String address() {
            try {
                InetSocketAddress a = (InetSocketAddress) server.getLocalAddress();
                return a.getHostString() + ":" + a.getPort();
            } catch (IOException e) {
                throw new IllegalStateException("all-reduce: the server's address: " + e.getMessage(), e);
            }
        }

        /**
         * Connects to the next rank and waits for the previous one to connect here.
         *
         * @param rank this task's place in the ring, {@code 0 .. addresses.size()-1}
         * @param addresses every rank's {@link #address()}, by rank
         */
        RingAllReduce join(int rank, List<String> addresses) {
            int size = addresses.size();
            if (rank < 0 || rank >= size) {
                throw new IllegalArgumentException("all-reduce: rank must be in [0, %d); got %d".formatted(size, rank));
            }
            joined = true;
            if (size == 1) {
                try {
                    return new RingAllReduce(rank, size, timeout, server, null, null);
                } catch (IOException e) {
                    throw new IllegalStateException("all-reduce: " + e.getMessage(), e);
                }
            }
            int following = (rank + 1) % size;
            int preceding = (rank + size - 1) % size;
            SocketChannel next = null;
            SocketChannel previous = null;
            RingAllReduce ring = null;
            try {
                next = connect(rank, following, addresses.get(following));
                previous = accept(rank, preceding);
                ring = new RingAllReduce(rank, size, timeout, server, next, previous);
                // the first bytes on a connection name the sender, so a stray connection is refused
                int sender = ring.exchangeInt(rank);
                if (sender != preceding) {
                    throw new IllegalStateException("all-reduce: rank %d expected rank %d to connect; got %d".formatted(rank, preceding, sender));
                }
                return ring;
            } catch (IOException | RuntimeException e) {
                if (ring != null) {
                    ring.close();
                } else {
                    closeQuietly(next);
                    closeQuietly(previous);
                    closeQuietly(server);
                }
                throw e instanceof RuntimeException r ? r : new IllegalStateException("all-reduce: rank %d: %s".formatted(rank, e), e);
            }
        }

        private SocketChannel connect(int rank, int following, String address) {
            String[] hostPort = address.split(":");
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                channel.socket().connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), Math.toIntExact(timeout.toMillis()));
                return channel;
            } catch (IOException e) {
                closeQuietly(channel);
                throw new IllegalStateException("all-reduce: rank %d cannot connect to rank %d at %s: %s".formatted(rank, following, address, e), e);
            }
        }

        private SocketChannel accept(int rank, int preceding) throws IOException {
            server.configureBlocking(false);
            try (Selector waiting = Selector.open()) {
                server.register(waiting, SelectionKey.OP_ACCEPT);
                if (waiting.select(Math.max(1, timeout.toMillis())) == 0) {
                    throw new IllegalStateException("all-reduce: rank %d waited %s for rank %d to connect; the peer is too slow or gone"
                            .formatted(rank, timeout, preceding));
                }
            }
            SocketChannel channel = server.accept();
            if (channel == null) {
                throw new IllegalStateException("all-reduce: rank %d: rank %d's connection went away before it was accepted".formatted(rank, preceding));
            }
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return channel;
        }

        @Override
        public void close() {
            if (!joined) {
                closeQuietly(server);
            }
        }
    }

    /** This rank's place in the ring. */
    int rank() {
        return rank;
    }

    /** The number of ranks. */
    int size() {
        return size;
    }

    @Override
    public void sum(float[] v) {
        if (floats.length < v.length) {
            floats = new float[v.length];
        }
        ring(new Floats(v, floats));
    }

    @Override
    public void sum(double[] v) {
        if (doubles.length < v.length) {
            doubles = new double[v.length];
        }
        ring(new Doubles(v, doubles));
    }

    @Override
    public long blockedNanos() {
        return blockedNanos;
    }

    private void ring(Vector v) {
        if (size == 1) {
            return;
        }
        int n = v.length();
        if (size == 2) {
            // Two ranks swap whole vectors: the ring's traffic (the vector each way) in one round
            // trip instead of two, one wait for the neighbour per sum; a + b == b + a in floats, so
            // both still hold the same bits.
            exchange(v, 0, n, 0, n, true);
            return;
        }
        for (int s = 0; s < size - 1; s++) {
            int send = Math.floorMod(rank - s, size);
            int receive = Math.floorMod(rank - s - 1, size);
            exchange(v, start(send, n), start(send + 1, n) - start(send, n), start(receive, n), start(receive + 1, n) - start(receive, n), true);
        }
        for (int s = 0; s < size - 1; s++) {
            int send = Math.floorMod(rank + 1 - s, size);
            int receive = Math.floorMod(rank - s, size);
            exchange(v, start(send, n), start(send + 1, n) - start(send, n), start(receive, n), start(receive + 1, n) - start(receive, n), false);
        }
    }

    /** Where chunk {@code k} ({@code 0 .. N}) of an {@code n}-element vector starts; chunk N starts at n. */
    private int start(int k, int n) {
        return (int) ((long) n * k / size);
    }

    /**
     * Sends {@code sendCount} values of {@code v} from {@code sendAt} to the next rank while the
     * previous one's {@code receiveCount} values come in, each added into {@code v} from
     * {@code receiveAt} (or copied there) as soon as it is here.
     */
    private void exchange(Vector v, int sendAt, int sendCount, int receiveAt, int receiveCount, boolean add) {
        int width = v.bytes();
        out = room(out, sendCount * width);
        v.write(out, sendAt, sendCount);
        in = room(in, receiveCount * width);
        int applied = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.hasRemaining() || applied < receiveCount) {
            move(deadline);
            int here = in.position() / width;
            if (here > applied) {
                v.take(in, applied, here - applied, receiveAt + applied, add);
                applied = here;
            }
        }
    }

    /** Sends {@code value} to the next rank and returns the previous rank's. */
    private int exchangeInt(int value) {
        out = room(out, Integer.BYTES);
        out.putInt(0, value);
        in = room(in, Integer.BYTES);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.hasRemaining() || in.hasRemaining()) {
            move(deadline);
        }
        return in.getInt(0);
    }

    /**
     * Writes what the next rank's socket takes of {@link #out} and reads what the previous rank's
     * holds into {@link #in}, at least one byte of either; while neither moves it waits as
     * {@link Patience} says (trying again, then asleep in the selector) until the deadline.
     */
    private void move(long deadline) {
        long since = 0;
        try {
            while (true) {
                int moved = out.hasRemaining() ? next.write(out) : 0;
                if (in.hasRemaining()) {
                    int read = previous.read(in);
                    if (read < 0) {
                        throw lost(null);
                    }
                    moved += read;
                }
                if (moved > 0) {
                    if (since != 0) {
                        blockedNanos += System.nanoTime() - since;
                    }
                    return;
                }
                if (since == 0) {
                    since = System.nanoTime();
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("all-reduce: rank %d interrupted while waiting for its neighbours".formatted(rank));
                }
                if (Patience.stayAwake(since)) {
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(in.hasRemaining()
                            ? "all-reduce: rank %d waited %s for rank %d's data; the peer is too slow or gone".formatted(rank, timeout, previousRank())
                            : "all-reduce: rank %d waited %s for rank %d to take its data; the peer is too slow or gone".formatted(rank, timeout, (rank + 1) % size));
                }
                toNext.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : 0);
                fromPrevious.interestOps(in.hasRemaining() ? SelectionKey.OP_READ : 0);
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private IllegalStateException lost(IOException cause) {
        return new IllegalStateException("all-reduce: rank %d lost its connection from rank %d%s".formatted(
                rank, previousRank(), cause == null ? "" : ": " + cause), cause);
    }

    /** {@code buffer} cleared to hold {@code bytes}, or a larger one when it cannot. */
    private static ByteBuffer room(ByteBuffer buffer, int bytes) {
        ByteBuffer b = buffer.capacity() >= bytes ? buffer : ByteBuffer.allocateDirect(bytes);
        b.clear().limit(bytes);
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** All of {@code b} from its start, whatever has been read into it so far (views start at the position). */
    private static ByteBuffer whole(ByteBuffer b) {
        return b.slice(0, b.limit()).order(b.order());
    }

    private int previousRank() {
        return (rank + size - 1) % size;
    }

    /** Closes the connections and the server; a neighbour still waiting in a sum fails at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(next);
        closeQuietly(previous);
        closeQuietly(server);
        closeQuietly(selector);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway; the peer sees the connection end either way
        }
    }

    /** A float or double array seen as little-endian bytes. */
    private interface Vector {
        int length();

        int bytes();

        /** Puts {@code count} values from {@code from} into {@code to}, whose limit is their size. */
        void write(ByteBuffer to, int from, int count);

        /** Adds (or copies) values {@code first .. first+count-1} of {@code from} into the vector from {@code at}. */
        void take(ByteBuffer from, int first, int count, int at, boolean add);
    }

    private record Floats(float[] v, float[] scratch) implements Vector {
        @Override
        public int length() {
            return v.length;
        }

        @Override
        public int bytes() {
            return Float.BYTES;
        }

        @Override
        public void write(ByteBuffer to, int from, int count) {
            to.asFloatBuffer().put(v, from, count);
        }

        @Override
        public void take(ByteBuffer from, int first, int count, int at, boolean add) {
            FloatBuffer values = whole(from).asFloatBuffer();
            if (!add) {
                values.get(first, v, at, count);
                return;
            }
            values.get(first, scratch, 0, count);
            for (int i = 0; i < count; i++) {
                v[at + i] += scratch[i];
            }
        }
    }

    private record Doubles(double[] v, double[] scratch) implements Vector {
        @Override
        public int length() {
            return v.length;
        }

        @Override
        public int bytes() {
            return Double.BYTES;
        }

        @Override
        public void write(ByteBuffer to, int from, int count) {
            to.asDoubleBuffer().put(v, from, count);
        }

        @Override
        public void take(ByteBuffer from, int first, int count, int at, boolean add) {
            DoubleBuffer values = whole(from).asDoubleBuffer();
            if (!add) {
                values.get(first, v, at, count);
                return;
            }
            values.get(first, scratch, 0, count);
            for (int i = 0; i < count; i++) {
                v[at + i] += scratch[i];
            }
        }
    }
}
