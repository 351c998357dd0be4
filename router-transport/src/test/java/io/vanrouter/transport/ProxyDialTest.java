package io.vanrouter.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.tls.LinkTls;
import io.vanrouter.transport.tls.TestPki;
import java.nio.file.Path;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer dialed through an HTTP CONNECT proxy: the link and its data connections go through tunnels, status names
 * the proxy, and a refusing or unreachable proxy is a clear WARN line naming the peer, the proxy and the cause.
 */
@Timeout(60)
class ProxyDialTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int DATA_CONNECTIONS = 2;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final LogCapture linkLog = new LogCapture("vanrouter.link");

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        linkLog.close();
    }

    private record Router(TransportServer server, RecordingCore core) {
        int linkPort() {
            return server.boundAddresses().get(0).getPort();
        }
    }

    private Router start(String id, List<Endpoint> listen, List<Endpoint> peers) throws Exception {
        return start(id, listen, peers, null);
    }

    private Router start(String id, List<Endpoint> listen, List<Endpoint> peers, LinkTls tls) throws Exception {
        TransportSettings settings = new TransportSettings(id, 1, "test", RouterMode.INTERIOR, listen, peers, 5_000,
                TransportSettings.MAX_FRAME_BYTES_DEFAULT, 50, 200);
        TransportServer server = new TransportServer(settings).dataConnections(DATA_CONNECTIONS).linkTls(tls);
        closeables.add(server);
        RecordingCore core = new RecordingCore();
        server.start(core, List.of());
        return new Router(server, core);
    }

    private TestConnectProxy proxy(String user, String password, String refusal) throws IOException {
        TestConnectProxy proxy = new TestConnectProxy(user, password, refusal);
        closeables.add(proxy);
        return proxy;
    }

    private Router interior() throws Exception {
        return start("a", List.of(new Endpoint("127.0.0.1", 0, 1)), List.of());
    }

    private Router edgeVia(Router a, LinkProxy proxy) throws Exception {
        return start("b", List.of(), List.of(new Endpoint("127.0.0.1", a.linkPort(), 1, proxy)));
    }

    @Test
    void shouldLinkThroughTheProxyWithEveryDataConnection() throws Exception {
        TestConnectProxy proxy = proxy("user", "secret", null);
        Router a = interior();
        Router b = edgeVia(a, new LinkProxy("127.0.0.1", proxy.port(), "user", "secret"));

        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1
                && b.server().dataConnections("a").size() == DATA_CONNECTIONS);
        // One tunnel for the link, one per data connection, all to the peer as configured.
        assertThat(proxy.tunnels()).hasSize(1 + DATA_CONNECTIONS)
                .allMatch(target -> target.equals("127.0.0.1:" + a.linkPort()));
        assertThat(b.server().linkViews()).singleElement().satisfies(view -> {
            assertThat(view.state()).isEqualTo("active");
            assertThat(view.remote()).isEqualTo("127.0.0.1:" + a.linkPort() + " via proxy 127.0.0.1:" + proxy.port());
            assertThat(view.dataConnections()).isEqualTo(DATA_CONNECTIONS);
        });
    }

    @Test
    void shouldRunLinkTlsInsideTheTunnel(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir, "net1");
        TestConnectProxy proxy = proxy(null, null, null);
        Router a = start("a", List.of(new Endpoint("127.0.0.1", 0, 1)), List.of(), LinkTls.load("a", pki.issue("a")));
        Router b = start("b", List.of(), List.of(new Endpoint("127.0.0.1", a.linkPort(), 1,
                new LinkProxy("127.0.0.1", proxy.port()))), LinkTls.load("b", pki.issue("b")));

        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1
                && b.server().dataConnections("a").size() == DATA_CONNECTIONS);
        assertThat(proxy.tunnels()).hasSize(1 + DATA_CONNECTIONS);
        for (Channel channel : List.of(b.server().linkChannel("a"), b.server().dataConnections("a").get(0))) {
            // TLS after the proxy handler: the handshake ran end to end, through the tunnel.
            List<String> names = channel.pipeline().names();
            assertThat(names).contains(HandlerNames.PROXY, HandlerNames.TLS);
            assertThat(names.indexOf(HandlerNames.PROXY)).isLessThan(names.indexOf(HandlerNames.TLS));
            assertThat(channel.pipeline().get(SslHandler.class).engine().getSession().getProtocol())
                    .isEqualTo("TLSv1.3");
        }
        assertThat(linkLog.messages(Level.ERROR)).isEmpty();
    }

    @Test
    void shouldReportWrongCredentialsWithoutTlsNoiseWhenLinksUseTls(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir, "net1");
        TestConnectProxy proxy = proxy("user", "secret", null);
        Router a = start("a", List.of(new Endpoint("127.0.0.1", 0, 1)), List.of(), LinkTls.load("a", pki.issue("a")));
        start("b", List.of(), List.of(new Endpoint("127.0.0.1", a.linkPort(), 1,
                new LinkProxy("127.0.0.1", proxy.port(), "user", "wrong"))), LinkTls.load("b", pki.issue("b")));

        await().atMost(WAIT).until(() -> proxy.refused().size() >= 3);
        assertThat(linkLog.messages(Level.WARN)).singleElement().asString()
                .contains("proxy refused: 407 Proxy Authentication Required (wrong or missing proxy credentials)");
        assertThat(linkLog.messages(Level.ERROR)).isEmpty();
    }

    @Test
    void shouldReportWrongProxyCredentialsOnceAndKeepRetrying() throws Exception {
        TestConnectProxy proxy = proxy("user", "secret", null);
        Router a = interior();
        Router b = edgeVia(a, new LinkProxy("127.0.0.1", proxy.port(), "user", "wrong"));

        await().atMost(WAIT).until(() -> proxy.refused().size() >= 3);
        String expected = "proxy refused: 407 Proxy Authentication Required (wrong or missing proxy credentials)";
        assertThat(linkLog.messages(Level.WARN)).singleElement().asString()
                .contains("[b] peer 127.0.0.1:" + a.linkPort() + " via proxy 127.0.0.1:" + proxy.port(), expected)
                .doesNotContain("wrong;", "secret");
        assertThat(b.server().linkViews()).singleElement()
                .satisfies(view -> assertThat(view.lastError()).isEqualTo(expected));
        assertThat(a.core().linksUp()).isZero();
        assertThat(linkLog.messages(Level.ERROR)).isEmpty();
    }

    @Test
    void shouldExplainAProxyThatForbidsTheTarget() throws Exception {
        TestConnectProxy proxy = proxy(null, null, "403 Forbidden");
        Router a = interior();
        edgeVia(a, new LinkProxy("127.0.0.1", proxy.port()));

        await().atMost(WAIT).until(() -> !linkLog.messages(Level.WARN).isEmpty());
        assertThat(linkLog.messages(Level.WARN)).singleElement().asString()
                .contains("proxy answered 403 Forbidden (the proxy does not allow CONNECT to this host and port");
    }

    @Test
    void shouldReportAnUnreachableProxy() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Router a = interior();
        Router b = edgeVia(a, new LinkProxy("127.0.0.1", closedPort));

        await().atMost(WAIT).until(() -> !linkLog.messages(Level.WARN).isEmpty());
        assertThat(linkLog.messages(Level.WARN)).singleElement().asString()
                .contains("via proxy 127.0.0.1:" + closedPort, "proxy unreachable: Connection refused");
        await().atMost(WAIT).until(() -> b.server().linkViews().stream()
                .anyMatch(v -> "proxy unreachable: Connection refused".equals(v.lastError())));
    }
}
