package backprop.spark;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
 * <p>Use: every rank {@link #listen}s, the addresses are shared (a barrier stage's
 * {@code allGather}), then every rank {@link Listener#join}s the ring and calls the same sums in the
 * same order with vectors of the same length. A peer that dies, a connection that breaks and a
 * wait longer than the timeout end the call with an {@link IllegalStateException}, which fails the
 * task and so the stage. Netty is Spark's own; one I/O thread per rank.
 */
final class RingAllReduce implements AllReduce {
    /** What the inbox gets when the connection from the previous rank is gone. */
    private static final ByteBuf CLOSED = Unpooled.EMPTY_BUFFER;
    /**
     * Socket buffers and reads large enough for a W1 chunk (0.47 MB for two ranks) to travel in a
     * few system calls: with the kernel's defaults it takes many small reads, each a thread hand-off.
     */
    private static final int SOCKET_BUFFER = 4 << 20;

    private final int rank;
    private final int size;
    private final Duration timeout;
    private final EventLoopGroup group;
    private final Channel server;
    private final BlockingQueue<ByteBuf> inbox;
    private final Channel next;
    private final CompositeByteBuf received;
    private volatile Throwable failure;
    private ChannelFuture lastWrite;
    private boolean closed;
    private byte[] scratch = new byte[0];
    /** Received values as numbers, so that adding them up is a loop over arrays. */
    private float[] floats = new float[0];
    private double[] doubles = new double[0];
    private long blockedNanos;

    private RingAllReduce(int rank, int size, Duration timeout, EventLoopGroup group, Channel server,
                          BlockingQueue<ByteBuf> inbox, Channel next) {
        this.rank = rank;
        this.size = size;
        this.timeout = timeout;
        this.group = group;
        this.server = server;
        this.inbox = inbox;
        this.next = next;
        this.received = Unpooled.compositeBuffer(Integer.MAX_VALUE);
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
        private final EventLoopGroup group = new NioEventLoopGroup(1);
        private final BlockingQueue<ByteBuf> inbox = new LinkedBlockingQueue<>();
        private final Channel server;
        private boolean joined;

        private Listener(String host, Duration timeout) {
            this.timeout = timeout;
            try {
                server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                        .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64 << 10, 256 << 10, SOCKET_BUFFER))
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new Inbox(inbox));
                            }
                        })
                        .bind(host, 0).syncUninterruptibly().channel();
            } catch (RuntimeException e) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw new IllegalStateException("all-reduce: cannot listen on " + host + ": " + e.getMessage(), e);
            }
        }

        /** The address peers connect to, as {@code host:port}. */
        String address() {
            InetSocketAddress a = (InetSocketAddress) server.localAddress();
            return a.getHostString() + ":" + a.getPort();
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
            Channel next = null;
            if (size > 1) {
                String[] hostPort = addresses.get((rank + 1) % size).split(":");
                ChannelFuture connect = new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(timeout.toMillis()))
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(hostPort[0], Integer.parseInt(hostPort[1])).awaitUninterruptibly();
                if (!connect.isSuccess()) {
                    close();
                    throw new IllegalStateException("all-reduce: rank %d cannot connect to rank %d at %s: %s".formatted(
                            rank, (rank + 1) % size, addresses.get((rank + 1) % size), connect.cause()), connect.cause());
                }
                next = connect.channel();
                // the first bytes on a connection name the sender, so a stray connection is refused
                next.writeAndFlush(Unpooled.buffer(4).writeInt(rank));
            }
            RingAllReduce ring = new RingAllReduce(rank, size, timeout, group, server, inbox, next);
            joined = true;
            try {
                int sender = size > 1 ? ring.readInt() : ring.previous();
                if (sender != ring.previous()) {
                    throw new IllegalStateException("all-reduce: rank %d expected rank %d to connect; got %d"
                            .formatted(rank, ring.previous(), sender));
                }
            } catch (RuntimeException e) {
                ring.close();
                throw e;
            }
            return ring;
        }

        @Override
        public void close() {
            if (!joined) {
                server.close().awaitUninterruptibly(timeout.toMillis());
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
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
        if (size == 2) {
            // Two ranks swap whole vectors: the ring's traffic (the vector each way) in one round
            // trip instead of two, one wait for the neighbour per sum; a + b == b + a in floats, so
            // both still hold the same bits.
            send(v, 0, v.length());
            receive(v, 0, v.length(), true);
            return;
        }
        for (int s = 0; s < size - 1; s++) {
            send(v, rank - s);
            receive(v, rank - s - 1, true);
        }
        for (int s = 0; s < size - 1; s++) {
            send(v, rank + 1 - s);
            receive(v, rank - s, false);
        }
    }

    /** Where chunk {@code k} ({@code 0 .. N}) of an {@code n}-element vector starts; chunk N starts at n. */
    private int start(int k, int n) {
        return (int) ((long) n * k / size);
    }

    /** Sends chunk {@code c} (mod N) of {@code v} to the next rank. */
    private void send(Vector v, int c) {
        int k = Math.floorMod(c, size);
        int from = start(k, v.length());
        send(v, from, start(k + 1, v.length()) - from);
    }

    private void send(Vector v, int from, int count) {
        int bytes = count * v.bytes();
        ByteBuf buf = next.alloc().directBuffer(bytes);
        v.write(buf.nioBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN), from, count);
        buf.writerIndex(bytes);
        lastWrite = next.writeAndFlush(buf);
    }

    /** Receives chunk {@code c} (mod N) from the previous rank and adds it into {@code v}, or copies it there. */
    private void receive(Vector v, int c, boolean add) {
        int k = Math.floorMod(c, size);
        int from = start(k, v.length());
        receive(v, from, start(k + 1, v.length()) - from, add);
    }

    private void receive(Vector v, int from, int count, boolean add) {
        int bytes = count * v.bytes();
        await(bytes);
        if (scratch.length < bytes) {
            scratch = new byte[bytes];
        }
        received.readBytes(scratch, 0, bytes);
        received.discardReadComponents();
        ByteBuffer data = ByteBuffer.wrap(scratch, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (add) {
            v.add(data, from, count);
        } else {
            v.read(data, from, count);
        }
    }

    private int readInt() {
        await(4);
        return received.readInt();
    }

    /** Waits until {@code bytes} bytes from the previous rank are here. */
    private void await(int bytes) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.readableBytes() < bytes) {
            ByteBuf next = inbox.poll();
            try {
                if (next == null) {
                    long t0 = System.nanoTime();
                    next = inbox.poll(deadline - t0, TimeUnit.NANOSECONDS);
                    blockedNanos += System.nanoTime() - t0;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("all-reduce: rank %d interrupted while waiting for rank %d".formatted(rank, previous()), e);
            }
            if (next == null) {
                throw new IllegalStateException("all-reduce: rank %d waited %s for rank %d's data; the peer is too slow or gone"
                        .formatted(rank, timeout, previous()));
            }
            if (next == CLOSED) {
                inbox.add(CLOSED);   // every later wait fails too
                throw new IllegalStateException("all-reduce: rank %d lost its connection from rank %d%s".formatted(
                        rank, previous(), failure == null ? "" : ": " + failure));
            }
            received.addComponent(true, next);
        }
    }

    private int previous() {
        return (rank + size - 1) % size;
    }

    /** Waits (bounded) until what this rank sent is on its way, then closes its connections and its server. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (lastWrite != null) {
                lastWrite.awaitUninterruptibly(timeout.toMillis());
            }
            if (next != null) {
                next.close().awaitUninterruptibly(timeout.toMillis());
            }
            server.close().awaitUninterruptibly(timeout.toMillis());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            received.release();
            ByteBuf b;
            while ((b = inbox.poll()) != null) {
                b.release();
            }
        }
    }

    /** Queues what the previous rank sends, for the reducing thread; marks the end of the connection. */
    private static final class Inbox extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<ByteBuf> inbox;

        Inbox(BlockingQueue<ByteBuf> inbox) {
            this.inbox = inbox;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            inbox.add((ByteBuf) msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inbox.add(CLOSED);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** A float or double array seen as little-endian bytes. */
    private interface Vector {
        int length();

        int bytes();

        void write(ByteBuffer to, int from, int count);

        void add(ByteBuffer from, int at, int count);

        void read(ByteBuffer from, int at, int count);
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
        public void add(ByteBuffer from, int at, int count) {
            from.asFloatBuffer().get(scratch, 0, count);
            for (int i = 0; i < count; i++) {
                v[at + i] += scratch[i];
            }
        }

        @Override
        public void read(ByteBuffer from, int at, int count) {
            from.asFloatBuffer().get(v, at, count);
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
        public void add(ByteBuffer from, int at, int count) {
            from.asDoubleBuffer().get(scratch, 0, count);
            for (int i = 0; i < count; i++) {
                v[at + i] += scratch[i];
            }
        }

        @Override
        public void read(ByteBuffer from, int at, int count) {
            from.asDoubleBuffer().get(v, at, count);
        }
    }
}
