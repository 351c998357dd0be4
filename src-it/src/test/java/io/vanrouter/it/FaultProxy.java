package io.vanrouter.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy that a test puts between two routers (the dialing router connects to it, it connects to the listening
 * router) and tells to misbehave, per direction. This kernel has no netem, so link faults are made here.
 *
 * <p>Faults: {@link #down(boolean)} ends every connection with RST or FIN and ends new ones the same way until
 * {@link #heal()}; {@link #reset(Direction)} and {@link #finish(Direction)} end one direction of the live connections;
 * {@link #stall}, {@link #blackHole}, {@link #delay} and {@link #throttle} change how bytes flow, and {@link #resume}
 * ends a stall or black hole alone. Blocking sockets,
 * two threads per direction of each connection (a reader and a writer, so that delay and throttle do not stop
 * reading); all threads are daemons owned by this proxy and end with {@link #close()}.
 */
final class FaultProxy implements AutoCloseable {
    /** FORWARD carries bytes from the dialing side to the target, BACKWARD the answers. */
    enum Direction { FORWARD, BACKWARD }

    private enum Mode { PASS, STALL, BLACK_HOLE }

    private static final int CHUNK_BYTES = 16 * 1024;
    /** Chunks a direction may hold between its reader and its writer (bounds what a delay or throttle buffers). */
    private static final int QUEUED_CHUNKS_MAX = 64;
    /** Queued after the data when the source sends FIN; compared by identity. */
    private static final byte[] EOF = new byte[0];

    private final String name;
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Mode[] modes = {Mode.PASS, Mode.PASS};
    private final long[] delayMillis = new long[2];
    private final long[] bytesPerSecond = new long[2];
    private final AtomicLong forwardedBytes = new AtomicLong();
    private boolean downWithReset;
    private boolean down;

    private FaultProxy(String name, ServerSocket server, InetSocketAddress target) {
        this.name = name;
        this.server = server;
        this.target = target;
    }

    /** Listens on a free loopback port and relays every connection to {@code 127.0.0.1:targetPort}. */
    static FaultProxy start(String name, int listenPort, int targetPort) throws IOException {
        ServerSocket server = new ServerSocket(listenPort, 64, InetAddress.getLoopbackAddress());
        FaultProxy proxy = new FaultProxy(name, server,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        daemon(name + "-accept", proxy::acceptLoop).start();
        return proxy;
    }

    int port() {
        return server.getLocalPort();
    }

    String name() {
        return name;
    }

    /** Bytes written to either side since the proxy started (tests use it to see that traffic flows). */
    long forwardedBytes() {
        return forwardedBytes.get();
    }

    int connectionCount() {
        return connections.size();
    }

    /** Ends every connection with RST ({@code reset}) or FIN, and every new one the same way until {@link #heal()}. */
    synchronized void down(boolean reset) {
        down = true;
        downWithReset = reset;
        for (Connection connection : connections) {
            connection.terminate(reset);
        }
    }

    /** RST to the receiving side of {@code direction}; the other side is left open and hears nothing more. */
    void reset(Direction direction) {
        for (Connection connection : connections) {
            connection.silenced = true;
            connection.resetDestination(direction);
        }
    }

    /** FIN to the receiving side of {@code direction} (a half-close); the other direction keeps flowing. */
    void finish(Direction direction) {
        for (Connection connection : connections) {
            connection.finishDestination(direction);
        }
    }

    /** Stops reading in {@code directions}: the connection stays open, the sender's TCP buffers fill. */
    synchronized void stall(Direction... directions) {
        setMode(Mode.STALL, directions);
    }

    /** Reads and drops everything in {@code directions}, silently. */
    synchronized void blackHole(Direction... directions) {
        setMode(Mode.BLACK_HOLE, directions);
    }

    /** Ends a stall or black hole in {@code directions}; unlike {@link #heal()}, a delay or throttle stays. */
    synchronized void resume(Direction... directions) {
        setMode(Mode.PASS, directions);
    }

    /** Holds every chunk {@code millis} before writing it on (from when it was read, so chunks keep their order). */
    synchronized void delay(long millis, Direction... directions) {
        for (Direction direction : directions) {
            delayMillis[direction.ordinal()] = millis;
        }
    }

    /** Writes at most {@code rate} bytes per second. */
    synchronized void throttle(long rate, Direction... directions) {
        for (Direction direction : directions) {
            bytesPerSecond[direction.ordinal()] = rate;
        }
    }

    /** Back to a plain relay: no mode, delay or throttle, and new connections are accepted again. */
    synchronized void heal() {
        down = false;
        Arrays.fill(modes, Mode.PASS);
        Arrays.fill(delayMillis, 0);
        Arrays.fill(bytesPerSecond, 0);
        notifyAll();
    }

    private void setMode(Mode mode, Direction... directions) {
        for (Direction direction : directions) {
            modes[direction.ordinal()] = mode;
        }
        notifyAll();
    }

    /** Blocks while {@code direction} is stalled; then tells whether to drop the chunk just read (black hole). */
    private synchronized boolean awaitFlowAndCheckDrop(Direction direction, Connection connection)
            throws InterruptedException {
        while (modes[direction.ordinal()] == Mode.STALL && !connection.ended) {
            wait(50);
        }
        return modes[direction.ordinal()] == Mode.BLACK_HOLE;
    }

    private synchronized long delayOf(Direction direction) {
        return delayMillis[direction.ordinal()];
    }

    private synchronized long rateOf(Direction direction) {
        return bytesPerSecond[direction.ordinal()];
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            synchronized (this) {
                if (down) {
                    end(client, downWithReset);
                    continue;
                }
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 2_000);
            } catch (IOException refused) {
                // The target is down: the dialer sees the connection fail, as it would without the proxy.
                end(client, true);
                end(upstream, true);
                continue;
            }
            Connection connection = new Connection(client, upstream);
            connections.add(connection);
            connection.start();
        }
    }

    private static void end(Socket socket, boolean reset) {
        try {
            if (reset && !socket.isClosed()) {
                socket.setSoLinger(true, 0); // close() then sends RST instead of FIN
            }
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private record Chunk(byte[] data, long dueNanos) {
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Connection connection : connections) {
            connection.terminate(true);
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** One relayed connection: the dialing side ({@code client}) and the target side ({@code upstream}). */
    private final class Connection {
        final Socket client;
        final Socket upstream;
        volatile boolean ended;
        /** Set by {@link FaultProxy#reset(Direction)}: errors then no longer spread to the side left open. */
        volatile boolean silenced;
        private int directionsDone;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        Socket source(Direction direction) {
            return direction == Direction.FORWARD ? client : upstream;
        }

        Socket destination(Direction direction) {
            return direction == Direction.FORWARD ? upstream : client;
        }

        void start() {
            for (Direction direction : Direction.values()) {
                BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS_MAX);
                daemon(name + "-" + direction + "-read", () -> read(direction, queue)).start();
                daemon(name + "-" + direction + "-write", () -> write(direction, queue)).start();
            }
        }

        private void read(Direction direction, BlockingQueue<Chunk> queue) {
            byte[] buffer = new byte[CHUNK_BYTES];
            try {
                InputStream in = source(direction).getInputStream();
                while (!ended) {
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (IOException e) {
                        if (!silenced) {
                            resetWhenFlowing(direction); // the source was reset: reset the other side as well
                        }
                        return;
                    }
                    // Checked after read() too: a stall that began while it blocked holds what it returned, a FIN
                    // as well (a stalled path carries no FIN either). A FIN is delayed like data.
                    boolean drop = awaitFlowAndCheckDrop(direction, this);
                    if (n < 0) {
                        break;
                    }
                    if (drop) {
                        continue; // black hole: keep reading so the sender sees no back-pressure
                    }
                    offer(queue, new Chunk(Arrays.copyOf(buffer, n), dueNanos(direction)));
                }
                offer(queue, new Chunk(EOF, dueNanos(direction))); // pass the FIN on
            } catch (IOException e) {
                if (!silenced) {
                    resetDestination(direction); // no stream to read: reset the other side as well
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private long dueNanos(Direction direction) {
            return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayOf(direction));
        }

        private void offer(BlockingQueue<Chunk> queue, Chunk chunk) throws InterruptedException {
            while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (ended) {
                    return;
                }
            }
        }

        private void write(Direction direction, BlockingQueue<Chunk> queue) {
            long nextFreeNanos = System.nanoTime();
            boolean destinationGone = false;
            while (!ended) {
                Chunk chunk;
                try {
                    chunk = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (chunk == null) {
                        continue;
                    }
                    if (chunk.data() == EOF) {
                        sleepUntil(chunk.dueNanos());
                        if (destinationGone) {
                            directionDone();
                        } else {
                            finishDestination(direction);
                        }
                        return;
                    }
                    if (destinationGone) {
                        continue; // reset by the test: the source side hears nothing more
                    }
                    sleepUntil(chunk.dueNanos()); // the fault's own pacing: a delay
                    destination(direction).getOutputStream().write(chunk.data());
                    forwardedBytes.addAndGet(chunk.data().length);
                    long rate = rateOf(direction);
                    if (rate > 0) {
                        nextFreeNanos = Math.max(nextFreeNanos, System.nanoTime())
                                + chunk.data().length * 1_000_000_000L / rate;
                        sleepUntil(nextFreeNanos); // the fault's own pacing: a throttle
                    }
                } catch (IOException e) {
                    if (silenced) {
                        destinationGone = true;
                        continue;
                    }
                    resetWhenFlowing(direction == Direction.FORWARD ? Direction.BACKWARD : Direction.FORWARD);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void sleepUntil(long nanos) throws InterruptedException {
            long left = nanos - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        }

        /**
         * Resets the receiving side of {@code direction} once that direction flows (a stalled path carries no reset),
         * without waiting for delayed data (a kernel acts on a reset at once).
         */
        private void resetWhenFlowing(Direction direction) {
            try {
                awaitFlowAndCheckDrop(direction, this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            resetDestination(direction);
        }

        void resetDestination(Direction direction) {
            end(destination(direction), true);
            directionDone();
        }

        void finishDestination(Direction direction) {
            try {
                destination(direction).shutdownOutput();
            } catch (IOException e) {
                // already closed
            }
            directionDone();
        }

        private synchronized void directionDone() {
            if (++directionsDone >= 2) {
                terminate(false);
            }
        }

        void terminate(boolean reset) {
            ended = true;
            end(client, reset);
            end(upstream, reset);
            connections.remove(this);
        }
    }
}
