package io.vanrouter.transport.adaptor.tcp;

import static io.vanrouter.transport.adaptor.tcp.Clients.echo;
import static io.vanrouter.transport.adaptor.tcp.Clients.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.core.address.Distribution;
import ch.qos.logback.classic.Level;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.adaptor.tcp.Routers.Router;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Refused servers, retries on another connector, no reachable connector. */
@Timeout(60)
class TcpConnectorFailureTest {
    private final Routers routers = new Routers();
    private final LogCapture log = new LogCapture("vanrouter.adaptor.tcp");
    private EchoServer echoServer;

    @AfterEach
    void stop() {
        routers.close();
        log.close();
        if (echoServer != null) {
            echoServer.close();
        }
    }

    /**
     * Connects, writes, reads until EOF or reset; returns how long that took. The listener must accept (a refused or
     * timed-out connect fails the test) and the client must get no data.
     */
    private static long millisUntilClosed(int port) throws IOException {
        long start = System.nanoTime();
        Socket connected;
        try {
            connected = Clients.connect(port);
        } catch (ConnectException refused) {
            throw new AssertionError("nothing listens on port " + port, refused);
        } catch (SocketException reset) {
            return (System.nanoTime() - start) / 1_000_000; // accepted and reset before connect() returned
        }
        try (Socket client = connected) {
            try {
                client.getOutputStream().write("hello".getBytes());
            } catch (SocketException e) {
                // reset before or while writing: closed at once; reading below sees the end as well
            }
            long read = Clients.drainUntilClosed(client.getInputStream());
            assertThat(read).as("bytes read (-1: reset)").isLessThanOrEqualTo(0);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void shouldCloseClientPromptlyWhenTheServerRefuses() throws Exception {
        Map<String, List<String>> directory = Map.of("svc", List.of("b"));
        Router a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)), List.of(), directory);
        Router b = routers.start("b", List.of(), List.of(new TcpConnectorSettings("svc", "127.0.0.1",
                ScriptedServer.closedPort())), directory, a);
        routers.awaitRoutes();

        assertThat(millisUntilClosed(a.tcpPort())).isLessThan(2_000);
        await().atMost(Routers.WAIT).until(() -> a.counters("svc").failed() == 1);
        assertThat(b.counters("svc").serveFailed()).isEqualTo(1);
        assertThat(a.counters("svc").opened()).isZero();
        routers.awaitIdle();
    }

    @Test
    void shouldRetryAnotherConnectorWhenTheFirstRefuses() throws Exception {
        echoServer = new EchoServer();
        // b is nearer (cost 1) than c (cost 2), so balanced picks b first; b's server refuses.
        Map<String, List<String>> directory = Map.of("svc", List.of("b", "c"));
        Router a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)), List.of(), directory);
        Router b = routers.start("b", List.of(), List.of(new TcpConnectorSettings("svc", "127.0.0.1",
                ScriptedServer.closedPort())), directory, a);
        Router c = routers.start("c", List.of(), List.of(new TcpConnectorSettings("svc", "127.0.0.1",
                echoServer.port())), directory, b);
        routers.awaitRoutes();

        byte[] payload = random(100_000, 3);
        assertThat(echo(a.tcpPort(), payload)).isEqualTo(payload);
        assertThat(b.counters("svc").serveFailed()).isEqualTo(1);
        assertThat(c.counters("svc").served()).isEqualTo(1);
        assertThat(a.counters("svc")).extracting(TcpAddressCounters::opened, TcpAddressCounters::failed)
                .containsExactly(1L, 0L);
        routers.awaitIdle();
    }

    @Test
    void shouldUseTheLocalConnectorWithoutALink() throws Exception {
        echoServer = new EchoServer();
        Router a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0, Distribution.CLOSEST)),
                List.of(new TcpConnectorSettings("svc", "127.0.0.1", echoServer.port())), Map.of("svc", List.of("a")));
        byte[] payload = random(2_000_000, 4);
        assertThat(echo(a.tcpPort(), payload)).isEqualTo(payload);
        routers.awaitIdle();
    }

    @Test
    void shouldCloseNewConnectionsAtOnceAndLogOnceWhenNoConnectorIsReachable() throws Exception {
        // The directory names c, but c never starts: no route, so no reachable candidate.
        Map<String, List<String>> directory = Map.of("svc", List.of("c"));
        Router a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)), List.of(), directory);

        for (int i = 0; i < 5; i++) {
            assertThat(millisUntilClosed(a.tcpPort())).isLessThan(1_000);
        }
        await().atMost(Routers.WAIT).until(() -> a.counters("svc").refused() == 5);
        assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("no reachable connector")).containsExactly(
                "[a] tcp listener for 'svc' on 127.0.0.1:" + a.tcpPort() + ": no reachable connector; closing new "
                        + "connections until one appears");
        routers.awaitIdle();
        await().during(Duration.ofMillis(200)).atMost(Routers.WAIT).until(() -> a.streams().isEmpty());
    }
}
