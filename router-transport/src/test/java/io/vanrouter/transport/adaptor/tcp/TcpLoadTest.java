package io.vanrouter.transport.adaptor.tcp;

import static io.vanrouter.transport.adaptor.tcp.Clients.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.vanrouter.transport.adaptor.tcp.Routers.Router;
import io.vanrouter.transport.stream.StreamLimits;
import io.vanrouter.transport.stream.StreamView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many connections, a slow reader, and a link lost mid-stream, through a - b - c. */
@Timeout(180)
class TcpLoadTest {
    private static final long SLOW_READER_BYTES = 256L << 20;

    private final Routers routers = new Routers();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private Router a;
    private Router b;
    private Router c;
    private long maxBuffered;

    @AfterEach
    void stop() throws Exception {
        routers.close();
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private void line(int serverPort) throws Exception {
        Map<String, List<String>> directory = Map.of("svc", List.of("c"));
        a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)), List.of(), directory);
        b = routers.start("b", List.of(), List.of(), directory, a);
        c = routers.start("c", List.of(), List.of(new TcpConnectorSettings("svc", "127.0.0.1", serverPort)),
                directory, b);
        routers.awaitRoutes();
    }

    @Test
    void shouldCompleteOneThousandConcurrentConnections() throws Exception {
        EchoServer echo = new EchoServer();
        servers.add(echo);
        line(echo.port());
        long descriptorsBefore = openFileDescriptors();
        int connections = 1_000;
        List<Socket> sockets = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                sockets.add(Clients.connect(a.tcpPort()));
            }
            for (int i = 0; i < connections; i++) {
                byte[] payload = random(1_000 + i, i);
                payloads.add(payload);
                sockets.get(i).getOutputStream().write(payload);
                sockets.get(i).shutdownOutput();
            }
            // All open at once: every client reached the server before any reads its echo.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).alias("server accepted all; streams at a by state: see below")
                    .conditionEvaluationListener(c -> progress(echo, connections))
                    .until(() -> echo.accepted.get() == connections);
            for (int i = 0; i < connections; i++) {
                assertThat(Clients.readAll(sockets.get(i).getInputStream())).as("connection %d", i)
                        .isEqualTo(payloads.get(i));
            }
        } catch (java.io.IOException e) {
            // A reset client: name the router-side cause (it was once seen on one core and never reproduced).
            throw new AssertionError("a client failed: " + e + "; " + resetsSeen(), e);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        routers.awaitIdle();
        assertThat(a.counters("svc")).extracting(TcpAddressCounters::accepted, TcpAddressCounters::opened)
                .containsExactly((long) connections, (long) connections);
        assertThat(c.counters("svc").served()).isEqualTo(connections);
        for (Router router : List.of(a, b, c)) {
            assertThat(router.server().streamRouter().resets().total()).as("streams reset: %s", resetsSeen())
                    .isZero();
        }
        // 4,000 sockets were open in this JVM (clients, both routers' ends, the echo server's); all are closed again.
        await().atMost(Routers.WAIT).untilAsserted(() -> assertThat(openFileDescriptors())
                .as("open file descriptors after the connections closed (before: %d)", descriptorsBefore)
                .isLessThanOrEqualTo(descriptorsBefore + DESCRIPTOR_SLACK));
    }

    private String resetsSeen() {
        StringBuilder out = new StringBuilder("streams reset by cause at");
        for (Router router : List.of(a, b, c)) {
            out.append(' ').append(router.id()).append(": ").append(router.server().streamRouter().resets().describe())
                    .append(';');
        }
        return out.toString();
    }

    /** File descriptors the JVM may open meanwhile for itself (class files, JIT, log rotation). */
    private static final long DESCRIPTOR_SLACK = 16;

    private static long openFileDescriptors() {
        return ((com.sun.management.UnixOperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getOpenFileDescriptorCount();
    }

    /** Prints progress while the connections open. */
    private void progress(EchoServer echo, int connections) {
        System.out.printf("accepted %d/%d; streams at a: %s%n", echo.accepted.get(), connections,
                a.streams().stream().collect(java.util.stream.Collectors.groupingBy(StreamView::state,
                        java.util.stream.Collectors.counting())));
    }

    @Test
    void shouldKeepRouterBuffersBoundedForASlowReader() throws Exception {
        AtomicLong written = new AtomicLong();
        ScriptedServer server = new ScriptedServer(socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 << 10];
            while (written.get() < SLOW_READER_BYTES) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
            socket.shutdownOutput();
        });
        servers.add(server);
        line(server.port());
        long directBefore = usedDirectMemory();

        try (Socket client = Clients.connect(a.tcpPort())) {
            // Not reading at all: the path fills up and stops; the routers hold about one window per hop.
            AtomicLong lastSeen = new AtomicLong(-1);
            await().atMost(Routers.WAIT).pollInterval(Duration.ofMillis(250))
                    .until(() -> written.get() > 0 && lastSeen.getAndSet(written.get()) == written.get());
            long stalledAt = written.get();
            assertThat(stalledAt).as("bytes written before the path stalled") // the kernel's buffers and a few windows
                    .isLessThan(Math.min(kernelPathBytesMax() + (8L << 20), SLOW_READER_BYTES / 2));
            assertBounded();

            // Now a slow reader: small reads with pauses, sampling what the routers hold as it goes.
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[16 << 10];
            long read = 0;
            long maxDirect = 0;
            for (int n = in.read(buffer), i = 0; n >= 0; n = in.read(buffer), i++) {
                read += n;
                if (i % 256 == 0) {
                    Thread.sleep(1); // pace the reader (not synchronisation)
                    maxDirect = Math.max(maxDirect, usedDirectMemory() - directBefore);
                    assertBounded();
                }
            }
            assertThat(read).isEqualTo(SLOW_READER_BYTES);
            System.out.printf("slow reader: stalled after %d KiB written; max direct memory growth %d KiB;"
                    + " most one router held for the stream %d KiB%n", stalledAt >> 10, maxDirect >> 10,
                    maxBuffered >> 10);
            assertThat(maxDirect).isLessThan(64L << 20);
        }
        routers.awaitIdle();
    }

    /**
     * Each router holds at most a window plus one socket receive buffer for the one stream: the receive buffer is what
     * c drains from the server's socket once the server has written everything and shut its output down.
     */
    private void assertBounded() {
        for (Router router : List.of(a, b, c)) {
            long buffered = router.streams().stream().mapToLong(StreamView::bufferedBytes).sum();
            maxBuffered = Math.max(maxBuffered, buffered);
            assertThat(buffered).as("bytes buffered at %s", router.id())
                    .isLessThanOrEqualTo(StreamLimits.BUFFERED_BYTES_MAX);
            assertThat(router.server().streamRouter().linkPendingBytes()).as("link bytes pending at %s", router.id())
                    .isLessThanOrEqualTo(2L << 20);
        }
    }

    /**
     * The most the kernel may hold of one stream on the path client - a - b - c - server: four TCP connections, each
     * with a send and a receive buffer autotuned up to the machine's maximum (tcp_wmem, tcp_rmem: 4 and 6 MiB by
     * default, 32 MiB of receive buffer on recent kernels), plus the pipes of spliced hops. The routers' own share is
     * asserted apart (assertBounded, direct memory).
     */
    private static long kernelPathBytesMax() throws IOException {
        long perConnection = lastField("/proc/sys/net/ipv4/tcp_rmem") + lastField("/proc/sys/net/ipv4/tcp_wmem");
        return 4 * perConnection + (4L << 20);
    }

    private static long lastField(String file) throws IOException {
        // Lines, not Files.readString: a /proc file has size 0, and readString returned its first byte only.
        String[] fields = Files.readAllLines(Path.of(file)).get(0).trim().split("\\s+");
        return Long.parseLong(fields[fields.length - 1]);
    }

    private static long usedDirectMemory() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    @Test
    void shouldResetTheClientPromptlyWhenALinkOnThePathDies() throws Exception {
        ScriptedServer server = new ScriptedServer(socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[16 << 10];
            while (true) {
                out.write(chunk); // until the router resets the connection
            }
        });
        servers.add(server);
        line(server.port());

        try (Socket client = Clients.connect(a.tcpPort())) {
            InputStream in = client.getInputStream();
            assertThat(in.readNBytes(1 << 20)).hasSize(1 << 20);
            long start = System.nanoTime();
            b.server().controlSender().closeLink(b.linkId("c"), "test: link lost");
            long more = Clients.drainUntilClosed(in);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("link lost: client closed after %d ms (%s)%n", millis, more < 0 ? "reset" : "EOF");
            assertThat(millis).isLessThan(2_000);
        }
        // Each router on the path counts the reset under its cause, with the reason that reached it (counted just
        // after the client's socket is reset, on the router's loop: awaited).
        for (Router router : List.of(a, b)) {
            io.vanrouter.transport.stream.StreamResets resets = router.server().streamRouter().resets();
            await().atMost(Routers.WAIT).untilAsserted(() -> assertThat(resets.byCode()).as("resets at %s",
                    router.id()).containsExactly(Map.entry(io.vanrouter.transport.wire.StreamResetCode.LINK_DOWN, 1L)));
            assertThat(resets.describe()).contains("LINK_DOWN x1", "test: link lost");
        }
        routers.awaitIdle();
    }
}
