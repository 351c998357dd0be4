package io.vanrouter.transport.adaptor.tcp;

import static io.vanrouter.transport.adaptor.tcp.Clients.echo;
import static io.vanrouter.transport.adaptor.tcp.Clients.random;
import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.transport.adaptor.tcp.Routers.Router;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Echo through a line of three routers, {@code a - b - c}: the listener at a, the connector at c, an echo server behind
 * it. b dials a and c dials b, so stream ids of both parities are used.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TcpEchoTest {
    private final Routers routers = new Routers();
    private EchoServer echoServer;
    private Router a;
    private Router b;
    private Router c;

    @BeforeAll
    void startRouters() throws Exception {
        echoServer = new EchoServer();
        Map<String, List<String>> directory = Map.of("echo", List.of("c"));
        a = routers.start("a", List.of(new TcpListenerSettings("echo", "127.0.0.1", 0)), List.of(), directory);
        b = routers.start("b", List.of(), List.of(), directory, a);
        c = routers.start("c", List.of(), List.of(new TcpConnectorSettings("echo", "127.0.0.1", echoServer.port())),
                directory, b);
        routers.awaitRoutes();
    }

    @AfterAll
    void stop() {
        routers.close();
        echoServer.close();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {100, 1_000, 500_000})
    void shouldEchoPayloadThroughThreeRouters(int bytes) throws Exception {
        echoAndCompare(bytes);
    }

    /** 16 MiB each way: 64 windows per hop, so credit, END ordering and write completion are all exercised. */
    @Test
    void shouldEchoSixteenMebibytesThroughThreeRouters() throws Exception {
        echoAndCompare(16 << 20);
    }

    private void echoAndCompare(int bytes) throws Exception {
        byte[] payload = random(bytes, bytes);
        long start = System.nanoTime();
        byte[] received = echo(a.tcpPort(), payload);
        long nanos = System.nanoTime() - start;

        assertThat(received).hasSize(bytes);
        assertThat(received).isEqualTo(payload);
        if (bytes >= 1 << 20) {
            System.out.printf("echo of %d MiB through a-b-c: %.1f ms, %.1f MB/s each way%n", bytes >> 20,
                    nanos / 1e6, bytes / (nanos / 1e3));
        }
        routers.awaitIdle();
    }

    @Test
    void shouldReportStreamViewsAndCountersWhileOpen() throws Exception {
        // The routers are shared by every test of this class: count this connection as a delta from here.
        routers.awaitIdle();
        TcpAddressCounters atA = a.counters("echo");
        TcpAddressCounters atC = c.counters("echo");
        try (var socket = Clients.connect(a.tcpPort())) {
            socket.getOutputStream().write("ping".getBytes());
            byte[] four = socket.getInputStream().readNBytes(4);
            assertThat(new String(four)).isEqualTo("ping");
            assertThat(a.streams()).singleElement().satisfies(v -> {
                assertThat(v.role()).isEqualTo("listener");
                assertThat(v.address()).isEqualTo("echo");
                assertThat(v.origin()).isEqualTo("a");
                assertThat(v.destination()).isEqualTo("c");
                assertThat(v.state()).isEqualTo("open");
                assertThat(v.bytesToConnector()).isEqualTo(4);
                assertThat(v.bytesToListener()).isEqualTo(4);
            });
            assertThat(b.streams()).singleElement().extracting(v -> v.role()).isEqualTo("transit");
            assertThat(c.streams()).singleElement().extracting(v -> v.role()).isEqualTo("connector");
        }
        routers.awaitIdle();
        TcpAddressCounters nowA = a.counters("echo");
        assertThat(List.of(nowA.accepted() - atA.accepted(), nowA.opened() - atA.opened(),
                nowA.refused() - atA.refused(), nowA.failed() - atA.failed()))
                .as("a: accepted, opened, refused, failed by this connection").containsExactly(1L, 1L, 0L, 0L);
        TcpAddressCounters nowC = c.counters("echo");
        assertThat(List.of(nowC.served() - atC.served(), nowC.serveFailed() - atC.serveFailed()))
                .as("c: served, failed to serve this connection").containsExactly(1L, 0L);
    }
}
