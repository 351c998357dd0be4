package io.vanrouter.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.CRC32;

/**
 * Steady TCP load through the routers' TCP adaptor to an echo server: clients doing request/response on long-lived
 * connections, and bulk transfers whose CRC32 is compared end to end. Each client is a daemon thread of its own,
 * stopped by {@link #close()}.
 */
final class TcpLoad implements AutoCloseable {
    /** How a bulk transfer ended. Only OK and RESET are allowed; RESET only when a fault broke its path. */
    enum Outcome { OK, RESET, TRUNCATED, CORRUPT, HUNG }

    /** One bulk transfer: its path at start (empty when the topology was changing) and how it ended. */
    record Transfer(int index, long startNanos, long endNanos, List<String> path, Outcome outcome, String detail) {
    }

    private static final int REQUEST_BYTES = 512;
    private static final int SO_TIMEOUT_MILLIS = 15_000;

    private final int port;
    private final Supplier<List<String>> stablePath;
    private final int bulkBytes;
    private final long seed;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private final AtomicLong roundTrips = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Transfer> transfers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong transferIndex = new AtomicLong();

    /** {@code stablePath} gives the routers a new stream crosses now, or an empty list while routes change. */
    TcpLoad(int port, Supplier<List<String>> stablePath, int bulkBytes, long seed) {
        this.port = port;
        this.stablePath = stablePath;
        this.bulkBytes = bulkBytes;
        this.seed = seed;
    }

    void start(int echoClients, int bulkClients) {
        for (int i = 0; i < echoClients; i++) {
            int client = i;
            threads.add(daemon("echo-client-" + i, () -> echoLoop(client)));
        }
        for (int i = 0; i < bulkClients; i++) {
            threads.add(daemon("bulk-client-" + i, this::bulkLoop));
        }
        threads.forEach(Thread::start);
    }

    long roundTrips() {
        return roundTrips.get();
    }

    long resets() {
        return resets.get();
    }

    /** Answers that differed from the request, or a connection closed (FIN) in the middle of an answer. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    List<Transfer> transfers() {
        return List.copyOf(transfers);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(SO_TIMEOUT_MILLIS);
        return socket;
    }

    private void echoLoop(int client) {
        byte[] request = new byte[REQUEST_BYTES];
        long seq = 0;
        while (running) {
            try (Socket socket = connect()) {
                InputStream in = socket.getInputStream();
                for (long onConnection = 0; running; onConnection++) {
                    Arrays.fill(request, (byte) (client * 31 + seq++));
                    socket.getOutputStream().write(request);
                    byte[] answer = in.readNBytes(REQUEST_BYTES);
                    if (answer.length < REQUEST_BYTES) {
                        // A router closes a new connection when no connector is reachable; a FIN later cut an answer.
                        if (onConnection > 0 || answer.length > 0) {
                            violations.add("echo client " + client + ": FIN after " + answer.length + " of "
                                    + REQUEST_BYTES + " bytes of answer " + onConnection + " (expected a reset)");
                        }
                        resets.incrementAndGet();
                        break;
                    }
                    if (!Arrays.equals(answer, request)) {
                        violations.add("echo client " + client + ": answer differs from request " + onConnection);
                    }
                    roundTrips.incrementAndGet();
                    TimeUnit.MILLISECONDS.sleep(5); // load pacing, not synchronisation
                }
            } catch (IOException e) {
                resets.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
            pause(50); // reconnect pacing
        }
    }

    private void bulkLoop() {
        while (running) {
            transfers.add(transfer((int) transferIndex.getAndIncrement()));
            pause(100);
        }
    }

    private Transfer transfer(int index) {
        List<String> path = stablePath.get();
        long start = System.nanoTime();
        byte[] payload = new byte[bulkBytes];
        new Random(seed * 31 + index).nextBytes(payload);
        CRC32 sent = new CRC32();
        sent.update(payload);
        CRC32 received = new CRC32();
        long count = 0;
        Outcome outcome;
        String detail = "";
        try (Socket socket = connect()) {
            Thread writer = daemon("bulk-writer-" + index, () -> {
                try {
                    socket.getOutputStream().write(payload);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the reader sees the reset too
                }
            });
            writer.start();
            byte[] buffer = new byte[64 * 1024];
            InputStream in = socket.getInputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.update(buffer, 0, n);
                count += n;
            }
            if (count < bulkBytes) {
                outcome = Outcome.TRUNCATED;
            } else if (count > bulkBytes || received.getValue() != sent.getValue()) {
                outcome = Outcome.CORRUPT;
            } else {
                outcome = Outcome.OK;
            }
            detail = count + " of " + bulkBytes + " bytes, crc " + Long.toHexString(received.getValue()) + " sent "
                    + Long.toHexString(sent.getValue());
        } catch (SocketTimeoutException e) {
            outcome = Outcome.HUNG;
            detail = "no byte for " + SO_TIMEOUT_MILLIS + " ms after " + count + " bytes";
        } catch (IOException e) {
            outcome = Outcome.RESET;
            detail = e + " after " + count + " bytes";
        }
        return new Transfer(index, start, System.nanoTime(), path, outcome, detail);
    }

    /**
     * Opens a new connection and does one round trip, retrying until {@code millis} after the call; returns the
     * milliseconds it took, or throws with the last error.
     */
    long probe(long millis) throws IOException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
        IOException last = null;
        byte[] request = "probe-0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        while (System.nanoTime() < deadline) {
            try (Socket socket = connect()) {
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                socket.getOutputStream().write(request);
                if (Arrays.equals(socket.getInputStream().readNBytes(request.length), request)) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
                last = new IOException("connection closed before the answer");
            } catch (IOException e) {
                last = e;
            }
            pause(20);
        }
        throw new IOException("no new connection answered within " + millis + " ms", last);
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(SO_TIMEOUT_MILLIS + 5_000);
        }
    }
}
