package io.vanrouter.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.transport.adaptor.tcp.StaticConnectorDirectory;
import io.vanrouter.transport.adaptor.tcp.TcpAdaptor;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import io.vanrouter.transport.adaptor.tcp.TcpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Host names of peers and TCP connectors are resolved per connection attempt by the non-blocking resolver, against a
 * test DNS server, and cached for the TTL of the answer.
 */
@Timeout(60)
class DnsResolutionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SERVICE = "svc.vanrouter.test";

    private final TestDnsServer dns = new TestDnsServer();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final LogCapture tcpLog = new LogCapture("vanrouter.adaptor.tcp");
    private final LogCapture linkLog = new LogCapture("vanrouter.link");

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        tcpLog.close();
        linkLog.close();
        dns.close();
    }

    private record Router(TransportServer server, RecordingCore core, TcpAdaptor tcp) {
        int linkPort() {
            return server.boundAddresses().get(0).getPort();
        }

        int tcpPort() {
            return tcp.listenerAddresses().get(0).getPort();
        }
    }

    private Router start(String id, List<Endpoint> listen, List<Endpoint> peers, List<TcpConnectorSettings> connectors)
            throws Exception {
        List<TcpListenerSettings> listeners = connectors.isEmpty() ? List.of()
                : List.of(new TcpListenerSettings("svc", "127.0.0.1", 0));
        TransportSettings settings = new TransportSettings(id, 1, "test", RouterMode.INTERIOR, listen, peers, 5_000,
                TransportSettings.MAX_FRAME_BYTES_DEFAULT, 50, 500);
        TransportServer server = new TransportServer(settings, DnsSettings.nameServer(dns.address()));
        closeables.add(server);
        RecordingCore core = new RecordingCore();
        // This router's own connectors only: there is no core thread to advertise them.
        Map<String, List<String>> local = new HashMap<>();
        connectors.forEach(connector -> local.put(connector.address(), List.of(id)));
        TcpAdaptor tcp = new TcpAdaptor(new TcpSettings(listeners, connectors),
                new StaticConnectorDirectory(id, local, () -> RoutingTable.empty(id)));
        server.start(core, List.of(tcp));
        return new Router(server, core, tcp);
    }

    private Router tcpRouter(String host, int port) throws Exception {
        return start("a", List.of(), List.of(), List.of(new TcpConnectorSettings("svc", host, port)));
    }

    /** A server that writes its name to every client, then closes. */
    private NamedServer server(String ip, int port, String name) throws IOException {
        NamedServer server = new NamedServer(ip, port, name);
        closeables.add(server);
        return server;
    }

    /** Connects to the router's TCP listener and reads until EOF: the name of the server reached, or "" if none. */
    private static String fetch(Router router) {
        try (Socket client = new Socket("127.0.0.1", router.tcpPort())) {
            client.setSoTimeout(10_000);
            client.shutdownOutput();
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void shouldReachTheNewAddressOfAConnectorHostOnceTheTtlExpires() throws Exception {
        NamedServer one = server("127.0.0.1", 0, "one");
        server("127.0.0.2", one.port(), "two");
        dns.answer(SERVICE, "127.0.0.1", 1);
        Router router = tcpRouter(SERVICE, one.port());

        assertThat(fetch(router)).isEqualTo("one");
        dns.answer(SERVICE, "127.0.0.2", 1);

        // No restart: once the 1 s answer has expired, the next connection asks again and reaches the new address.
        await().atMost(WAIT).until(() -> fetch(router).equals("two"));
        assertThat(dns.queries(SERVICE)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldAnswerFromTheCacheWhileTheTtlLasts() throws Exception {
        NamedServer one = server("127.0.0.1", 0, "one");
        dns.answer(SERVICE, "127.0.0.1", 3_600);
        Router router = tcpRouter(SERVICE, one.port());

        for (int i = 0; i < 5; i++) {
            assertThat(fetch(router)).isEqualTo("one");
        }
        // Connections land on different event loops; they share one cache, so one query served them all.
        assertThat(dns.queries(SERVICE)).isEqualTo(1);
    }

    @Test
    void shouldWarnOnceWhenAConnectorHostDoesNotResolveAndRecoverWhenItDoes() throws Exception {
        NamedServer one = server("127.0.0.1", 0, "one");
        Router router = tcpRouter(SERVICE, one.port());

        assertThat(fetch(router)).isEmpty();
        assertThat(fetch(router)).isEmpty();
        assertThat(tcpLog.messages(Level.WARN)).singleElement().asString()
                .contains("'svc'", SERVICE, "cannot resolve");

        dns.answer(SERVICE, "127.0.0.1", 1);
        assertThat(fetch(router)).isEqualTo("one");
        assertThat(tcpLog.messages(Level.INFO)).anySatisfy(m -> assertThat(m).contains(SERVICE, "resolves again"));
        assertThat(tcpLog.messages(Level.WARN)).hasSize(1);
    }

    @Test
    void shouldDialAPeerByAHostNameFromDns() throws Exception {
        Router a = start("a", List.of(new Endpoint("127.0.0.1", 0, 1)), List.of(), List.of());
        dns.answer("peer-a.vanrouter.test", "127.0.0.1", 1);
        Router b = start("b", List.of(), List.of(new Endpoint("peer-a.vanrouter.test", a.linkPort(), 1)), List.of());

        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);
        assertThat(dns.queries("peer-a.vanrouter.test")).isPositive();
    }

    @Test
    void shouldKeepDialingAPeerWhoseNameDoesNotResolveYet() throws Exception {
        Router a = start("a", List.of(new Endpoint("127.0.0.1", 0, 1)), List.of(), List.of());
        Router b = start("b", List.of(), List.of(new Endpoint("peer-a.vanrouter.test", a.linkPort(), 1)), List.of());

        await().atMost(WAIT).until(() -> linkLog.messages(Level.WARN).stream()
                .anyMatch(m -> m.contains("peer-a.vanrouter.test") && m.contains("unreachable")));
        dns.answer("peer-a.vanrouter.test", "127.0.0.1", 1);

        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);
        assertThat(linkLog.messages(Level.WARN)).filteredOn(m -> m.contains("peer-a.vanrouter.test")).hasSize(1);
    }

    @Test
    void shouldResolveLiteralAddressesAndLocalhostWithoutAskingDns() throws Exception {
        NamedServer one = server("127.0.0.1", 0, "one");
        Router a = start("a", List.of(new Endpoint("127.0.0.1", 0, 1)), List.of(), List.of(
                new TcpConnectorSettings("svc", "127.0.0.1", one.port())));
        Router b = start("b", List.of(), List.of(new Endpoint("localhost", a.linkPort(), 1)), List.of());

        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);
        assertThat(fetch(a)).isEqualTo("one");
        assertThat(dns.allQueries()).isZero();
    }

    /** Accepts on a thread of its own; writes its name to each client and closes. */
    private static final class NamedServer implements AutoCloseable {
        private final ServerSocket socket;

        NamedServer(String ip, int port, String name) throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(ip, port));
            Thread thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket client = socket.accept()) {
                        client.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
                        client.shutdownOutput();
                        InputStream in = client.getInputStream();
                        while (in.read() >= 0) {
                            // wait for the router's FIN so the stream ends with both halves closed
                        }
                    } catch (IOException e) {
                        // closed by the test, or the router reset the stream: next client
                    }
                }
            }, "named-server-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
