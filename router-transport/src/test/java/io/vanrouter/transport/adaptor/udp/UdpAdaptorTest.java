package io.vanrouter.transport.adaptor.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.transport.adaptor.udp.UdpRouters.Router;
import io.vanrouter.transport.stream.DatagramEnd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Datagrams through a line of three routers, {@code a - b - c}: the UDP listener at a, the connector at c with an
 * echo server behind it. Flows end after 1 s idle.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UdpAdaptorTest {
    private static final long IDLE_MILLIS = 1_000;
    private final UdpRouters routers = new UdpRouters();
    private UdpEchoServer echo;
    private Router a;
    private Router c;

    @BeforeAll
    void startRouters() throws Exception {
        echo = new UdpEchoServer();
        Map<String, List<String>> directory = Map.of("echo", List.of("c"));
        a = routers.start("a", new UdpSettings(List.of(new UdpListenerSettings("echo", "127.0.0.1", 0)), List.of(),
                IDLE_MILLIS), directory);
        Router b = routers.start("b", new UdpSettings(List.of(), List.of(), IDLE_MILLIS), directory, a);
        c = routers.start("c", new UdpSettings(List.of(), List.of(new UdpConnectorSettings("echo", "127.0.0.1",
                echo.port())), IDLE_MILLIS), directory, b);
        routers.awaitRoutes();
    }

    @AfterAll
    void stop() {
        routers.close();
        echo.close();
    }

    @Test
    void shouldKeepDatagramBoundariesThroughThreeRouters() throws Exception {
        int[] sizes = {1, 100, 1_400, 9_000, DatagramEnd.DATAGRAM_BYTES_MAX};
        try (UdpClient client = new UdpClient(a.udpPort())) {
            List<byte[]> sent = new ArrayList<>();
            for (int size : sizes) { // back to back: they wait together while the flow opens
                byte[] datagram = random(size);
                sent.add(datagram);
                client.send(datagram);
            }
            for (byte[] datagram : sent) {
                assertThat(client.receive()).isEqualTo(datagram);
            }
            for (int i = 0; i < 100; i++) { // 100 KB on the open flow, below the flow's bound: nothing is dropped
                client.send(random(1_000 + i));
            }
            for (int i = 0; i < 100; i++) {
                assertThat(client.receive()).hasSize(1_000 + i);
            }
        }
    }

    @Test
    void shouldSendRepliesToTheClientThatAsked() throws Exception {
        List<UdpClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                clients.add(new UdpClient(a.udpPort()));
            }
            for (int round = 0; round < 3; round++) {
                for (UdpClient client : clients) {
                    client.send(("client " + client.port() + " round " + round).getBytes());
                }
                for (UdpClient client : clients) {
                    assertThat(new String(client.receive())).isEqualTo("client " + client.port() + " round " + round);
                }
            }
        } finally {
            clients.forEach(UdpClient::close);
        }
    }

    @Test
    void shouldEndFlowsAfterTheIdleTimeout() throws Exception {
        long expiredBefore = a.counters("echo").flowsExpired();
        try (UdpClient client = new UdpClient(a.udpPort())) {
            assertThat(client.exchange("hello".getBytes())).isEqualTo("hello".getBytes());
            long idleSince = System.nanoTime();

            await().atMost(UdpRouters.WAIT).until(() -> a.counters("echo").flowsExpired() > expiredBefore);
            routers.awaitNoStreams();
            assertThat((System.nanoTime() - idleSince) / 1_000_000).isGreaterThanOrEqualTo(IDLE_MILLIS);
            assertThat(a.counters("echo").flowsOpen()).isZero();

            // The same client again: a new flow, which works.
            assertThat(client.exchange("again".getBytes())).isEqualTo("again".getBytes());
        }
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
