package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UDP adaptor with real router processes and real UDP programs from Debian: DNS queries with {@code dig} to
 * {@code dnsmasq} and {@code iperf3 -u} through a - b - c, flows balanced over two connector sites, idle flows
 * ending, and a flood.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(120)
class UdpAdaptorIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TestNetwork network;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    static String udp(String address, String role, int port, long idleMillis) {
        return "udp:\n  flowIdleTimeoutMillis: " + idleMillis + "\n  " + role + ":\n    - address: " + address
                + "\n      host: 127.0.0.1\n      port: " + port + "\n";
    }

    /** The UDP counters of {@code address} in {@code router}'s status (empty node when none yet). */
    static JsonNode counters(RouterProcess router, String address) {
        return router.status().map(s -> {
            for (JsonNode row : s.path("udp")) {
                if (address.equals(row.path("address").asText())) {
                    return row;
                }
            }
            return (JsonNode) new ObjectMapper().createObjectNode();
        }).orElse(new ObjectMapper().createObjectNode());
    }

    private void awaitConnectors(RouterProcess at, String address, String... sites) {
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(at, "udp:" + address)
                .containsAll(List.of(sites)));
    }

    private Process startProcess(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        closing.add(() -> {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        });
        return process;
    }

    @Test
    void shouldAnswerDnsQueriesFromDnsmasqThroughThreeRouters() throws Exception {
        int dnsPort = FreePorts.next();
        startProcess(List.of("dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--pid-file=", "--port=" + dnsPort,
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--address=/svc.test/10.1.2.3"), dir.resolve("dnsmasq.log"));
        int port = FreePorts.next();
        RouterProcess a = network.startWith("a", udp("dns", "listeners", port, 30_000), "b");
        network.start("b", "c");
        network.startWith("c", udp("dns", "connectors", dnsPort, 30_000));
        awaitConnectors(a, "dns", "c");

        for (int i = 0; i < 5; i++) { // each dig is a client of its own: five flows
            CommandRun.Result dig = CommandRun.run(dir, List.of("dig", "@127.0.0.1", "-p", Integer.toString(port),
                    "svc.test", "A", "+short", "+tries=3", "+time=2"));
            assertThat(dig.output().trim()).as("dig answer %d", i).isEqualTo("10.1.2.3");
        }
        JsonNode atA = counters(a, "dns");
        assertThat(atA.path("flowsStarted").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(atA.path("datagramsOut").asLong()).isGreaterThanOrEqualTo(5);
        PrometheusText metrics = PrometheusText.parse(a.metricsText().orElseThrow(), dir);
        assertThat(metrics.sum("vanrouter_udp_flows", "address=dns", "role=listener")).isGreaterThanOrEqualTo(5);
        assertThat(metrics.sum("vanrouter_udp_datagrams", "address=dns", "direction=out")).isGreaterThanOrEqualTo(5);
        PrometheusText atC = PrometheusText.parse(network.router("c").metricsText().orElseThrow(), dir);
        assertThat(atC.sum("vanrouter_udp_flows", "address=dns", "role=connector")).isGreaterThanOrEqualTo(5);
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldBalanceFlowsOverTwoConnectorSitesAndEndIdleFlows() throws Exception {
        Echo atB = new Echo();
        Echo atC = new Echo();
        closing.add(atB);
        closing.add(atC);
        int port = FreePorts.next();
        // Long enough that no flow ends before the twentieth started, even on a slow machine.
        RouterProcess a = network.startWith("a", udp("echo", "listeners", port, 3_000), "b", "c");
        RouterProcess b = network.startWith("b", udp("echo", "connectors", atB.port(), 3_000));
        RouterProcess c = network.startWith("c", udp("echo", "connectors", atC.port(), 3_000));
        awaitConnectors(a, "echo", "b", "c");

        List<DatagramSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                DatagramSocket client = client();
                clients.add(client);
                byte[] sent = ("flow " + i).getBytes(StandardCharsets.UTF_8);
                assertThat(exchange(client, port, sent)).isEqualTo(sent);
            }
            long servedB = counters(b, "echo").path("flowsServed").asLong();
            long servedC = counters(c, "echo").path("flowsServed").asLong();
            assertThat(servedB + servedC).isEqualTo(20);
            assertThat(Math.abs(servedB - servedC)).as("b served %d, c %d", servedB, servedC).isLessThanOrEqualTo(2);
        } finally {
            clients.forEach(DatagramSocket::close);
        }
        // Idle for the timeout: every flow ends, at every router.
        await().atMost(CONVERGE).until(() -> counters(a, "echo").path("flowsExpired").asLong() == 20);
        for (RouterProcess router : List.of(a, b, c)) {
            await().atMost(CONVERGE).until(() -> router.status().map(s -> s.path("connections").isEmpty())
                    .orElse(false));
        }
        assertThat(counters(a, "echo").path("flowsOpen").asLong()).isZero();
        network.assertNoUnexpectedErrors(null);
    }

    /** An address with the multicast distribution: each datagram reaches both connector sites, both echoes return. */
    @Test
    void shouldCopyDatagramsOfAMulticastAddressToEveryConnectorSite() throws Exception {
        Echo atB = new Echo();
        Echo atC = new Echo();
        closing.add(atB);
        closing.add(atC);
        int port = FreePorts.next();
        String multicast = "addresses:\n  - prefix: beacon\n    distribution: multicast\n";
        RouterProcess a = network.startWith("a", multicast + udp("beacon", "listeners", port, 30_000), "b", "c");
        RouterProcess b = network.startWith("b", udp("beacon", "connectors", atB.port(), 30_000));
        RouterProcess c = network.startWith("c", udp("beacon", "connectors", atC.port(), 30_000));
        awaitConnectors(a, "beacon", "b", "c");

        try (DatagramSocket client = client()) {
            for (int i = 0; i < 5; i++) {
                byte[] sent = ("beacon " + i).getBytes(StandardCharsets.UTF_8);
                client.send(new DatagramPacket(sent, sent.length, InetAddress.getLoopbackAddress(), port));
                for (int copy = 0; copy < 2; copy++) { // one echo from each site
                    byte[] buffer = new byte[1_024];
                    DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                    client.receive(reply);
                    assertThat(new String(buffer, 0, reply.getLength(), StandardCharsets.UTF_8))
                            .as("echo %d of datagram %d", copy, i).isEqualTo("beacon " + i);
                }
            }
        }
        assertThat(counters(b, "beacon").path("flowsServed").asLong()).isEqualTo(1);
        assertThat(counters(c, "beacon").path("flowsServed").asLong()).isEqualTo(1);
        assertThat(counters(a, "beacon").path("flowsStarted").asLong()).isEqualTo(1);
        network.assertNoUnexpectedErrors(null);
    }

    /**
     * One client blasts 1,400-byte datagrams as fast as it can for 3 s through a - b - c to a server that only
     * counts. What the path cannot carry is dropped (by the kernel at a's socket, or by a and counted); no router
     * queues it: each router's resident memory stays bounded.
     */
    @Test
    void shouldStayBoundedUnderAFloodBeyondThePathsCapacity() throws Exception {
        Sink sink = new Sink();
        closing.add(sink);
        int port = FreePorts.next();
        RouterProcess a = network.startWith("a", udp("flood", "listeners", port, 30_000), "b");
        RouterProcess b = network.start("b", "c");
        RouterProcess c = network.startWith("c", udp("flood", "connectors", sink.port(), 30_000));
        awaitConnectors(a, "flood", "c");

        long sent = 0;
        byte[] datagram = new byte[1_400];
        try (DatagramSocket client = client()) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
                client.send(new DatagramPacket(datagram, datagram.length, target));
                sent++;
            }
        }
        long sentTotal = sent;
        JsonNode atA = counters(a, "flood");
        long counted = atA.path("droppedCongested").asLong();
        await().atMost(CONVERGE).until(() -> sink.received.get() > 0);
        System.out.printf("udp flood through a-b-c: sent %d, taken in at a %d, dropped and counted at a %d, "
                        + "received %d (%.1f%%); RSS a %d MiB, b %d MiB, c %d MiB%n", sentTotal,
                atA.path("datagramsIn").asLong(), counted, sink.received.get(),
                100.0 * sink.received.get() / sentTotal, a.rssKib() >> 10, b.rssKib() >> 10, c.rssKib() >> 10);
        assertThat(sink.received.get()).isPositive().isLessThanOrEqualTo(sentTotal);
        assertThat(atA.path("datagramsIn").asLong() + counted).isLessThanOrEqualTo(sentTotal);
        for (RouterProcess router : List.of(a, b, c)) {
            assertThat(router.rssKib()).as("RSS of %s", router.id).isLessThan(512 << 10);
        }
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldCarryIperf3UdpThroughThreeRouters() throws Exception {
        int serverPort = FreePorts.next();
        startProcess(List.of("iperf3", "-s", "-1", "-B", "127.0.0.1", "-p", Integer.toString(serverPort)),
                dir.resolve("iperf3-server.log"));
        int port = FreePorts.next();
        // iperf3 controls the test over TCP and sends its data over UDP on the same port: one address for each.
        String tcp = "tcp:\n  listeners:\n    - {address: iperf, host: 127.0.0.1, port: " + port + "}\n";
        String tcpConnector = "tcp:\n  connectors:\n    - {address: iperf, host: 127.0.0.1, port: " + serverPort
                + "}\n";
        RouterProcess a = network.startWith("a", tcp + udp("iperf", "listeners", port, 30_000), "b");
        network.start("b", "c");
        network.startWith("c", tcpConnector + udp("iperf", "connectors", serverPort, 30_000));
        awaitConnectors(a, "iperf", "c");
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(a, "iperf").contains("c"));

        CommandRun.Result run = CommandRun.run(dir, List.of("iperf3", "-c", "127.0.0.1", "-p",
                Integer.toString(port), "-u", "-b", "20M", "-l", "1400", "-t", "3", "--json"));
        JsonNode result = new ObjectMapper().readTree(run.output());
        JsonNode sum = result.path("end").path("sum");
        System.out.printf("iperf3 -u -b 20M through a-b-c: %.1f Mbit/s, %d of %d datagrams lost (%.2f%%), "
                        + "jitter %.3f ms%n", sum.path("bits_per_second").asDouble() / 1e6,
                sum.path("lost_packets").asLong(), sum.path("packets").asLong(), sum.path("lost_percent").asDouble(),
                sum.path("jitter_ms").asDouble());
        assertThat(result.has("error")).as("iperf3 error: %s", result.path("error").asText()).isFalse();
        assertThat(sum.path("packets").asLong()).isPositive();
        network.assertNoUnexpectedErrors(null);
    }

    private static DatagramSocket client() throws SocketException {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] exchange(DatagramSocket client, int port, byte[] datagram) throws IOException {
        client.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
        byte[] buffer = new byte[65_536];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        client.receive(reply);
        return java.util.Arrays.copyOf(buffer, reply.getLength());
    }

    /** A UDP server thread on 127.0.0.1; subclasses say what to do with each datagram. */
    private abstract static class Server implements AutoCloseable {
        final DatagramSocket socket;

        Server() throws IOException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            socket.setReceiveBufferSize(4 << 20);
            Thread thread = new Thread(this::run, getClass().getSimpleName());
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        abstract void handle(DatagramPacket packet) throws IOException;

        private void run() {
            byte[] buffer = new byte[65_536];
            while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                    handle(packet);
                } catch (IOException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    private static final class Echo extends Server {
        Echo() throws IOException {
        }

        @Override
        void handle(DatagramPacket packet) throws IOException {
            socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
        }
    }

    private static final class Sink extends Server {
        final AtomicLong received = new AtomicLong();

        Sink() throws IOException {
        }

        @Override
        void handle(DatagramPacket packet) {
            received.incrementAndGet();
        }
    }
}
