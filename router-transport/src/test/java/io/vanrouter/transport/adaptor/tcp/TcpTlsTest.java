package io.vanrouter.transport.adaptor.tcp;

import static io.vanrouter.transport.adaptor.tcp.Clients.random;
import static io.vanrouter.transport.adaptor.tcp.Clients.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.vanrouter.core.address.Distribution;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.adaptor.tcp.Routers.Router;
import io.vanrouter.transport.tls.TestPki;
import io.vanrouter.transport.tls.TlsFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS at both ends of a stream, a - b: a TLS client at router a's TLS listener, and router b's TLS connector to a
 * JDK TLS server that requires a client certificate. Listeners of a: 0 TLS, 1 TLS with client certificates required,
 * 2 and 3 toward connectors of b that must refuse the server (another CA; a server name it does not hold).
 */
@Timeout(60)
class TcpTlsTest {
    private static final Map<String, List<String>> DIRECTORY = Map.of("svc", List.of("b"), "svc-other-ca",
            List.of("b"), "svc-wrong-name", List.of("b"));

    @TempDir
    Path dir;
    private final Routers routers = new Routers();
    private final LogCapture log = new LogCapture("vanrouter.adaptor.tcp");
    private final CompletableFuture<byte[]> serverReceived = new CompletableFuture<>();
    /** What the server does with each connection; by default it reads until the end (so it handshakes). */
    private volatile ScriptedServer.Script script = socket -> readAll(socket.getInputStream());
    private ScriptedServer server;
    private Router a;
    private Router b;
    private SSLContext client;

    @BeforeEach
    void start() throws Exception {
        TestPki pki = new TestPki(dir, "apps");
        TestPki other = new TestPki(dir, "other");
        TlsFiles listenerFiles = pki.issueServer("listener", "localhost", "127.0.0.1");
        TlsFiles serverFiles = pki.issueServer("server", "localhost", "127.0.0.1");
        TlsFiles routerB = pki.issueServer("router-b", "b.example");
        server = new ScriptedServer(JdkTls.server(JdkTls.context(serverFiles, pki.caFile()), true),
                socket -> script.run(socket));
        client = JdkTls.context(pki.issueServer("client", "client.example"), pki.caFile());

        var tls = new TcpListenerSettings.Tls(listenerFiles.cert(), listenerFiles.key(), null);
        var tlsClientCa = new TcpListenerSettings.Tls(listenerFiles.cert(), listenerFiles.key(), pki.caFile());
        a = routers.start("a", List.of(listener("svc", tls), listener("svc", tlsClientCa),
                listener("svc-other-ca", tls), listener("svc-wrong-name", tls)), List.of(), DIRECTORY);
        b = routers.start("b", List.of(), List.of(
                connector("svc", new TcpConnectorSettings.Tls(pki.caFile(), routerB.cert(), routerB.key(), null,
                        true)),
                connector("svc-other-ca", new TcpConnectorSettings.Tls(other.caFile(), routerB.cert(),
                        routerB.key(), null, true)),
                connector("svc-wrong-name", new TcpConnectorSettings.Tls(pki.caFile(), routerB.cert(),
                        routerB.key(), "wrong.example", true))), DIRECTORY, a);
        routers.awaitRoutes();
    }

    private static TcpListenerSettings listener(String address, TcpListenerSettings.Tls tls) {
        return new TcpListenerSettings(address, "127.0.0.1", 0, Distribution.BALANCED, tls);
    }

    private TcpConnectorSettings connector(String address, TcpConnectorSettings.Tls tls) {
        return new TcpConnectorSettings(address, "127.0.0.1", server.port(), tls);
    }

    @AfterEach
    void stop() throws Exception {
        routers.close();
        server.close();
        log.close();
    }

    private int port(int listener) {
        return a.tcp().listenerAddresses().get(listener).getPort();
    }

    @Test
    void shouldCarryMegabytesBothWaysAtOnceOverTlsAtBothEnds() throws Exception {
        byte[] up = random(4 << 20, 1);
        byte[] down = random(3 << 20, 2);
        script = socket -> {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeAndEnd(socket, down));
            serverReceived.complete(readAll(socket.getInputStream()));
            writer.get();
        };
        try (SSLSocket socket = JdkTls.connect(client, port(0))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeAndEnd(socket, up));
            assertThat(sha256(readAll(socket.getInputStream()))).isEqualTo(sha256(down));
            writer.get(10, TimeUnit.SECONDS);
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        assertThat(sha256(serverReceived.get(10, TimeUnit.SECONDS))).isEqualTo(sha256(up));
        assertThat(b.counters("svc").served()).isEqualTo(1);
        routers.awaitIdle();
    }

    @Test
    void shouldAnswerOverTlsAfterTheClientEndedItsSide() throws Exception {
        byte[] question = random(1 << 20, 3);
        byte[] answer = random(2 << 20, 4);
        script = socket -> {
            serverReceived.complete(readAll(socket.getInputStream())); // until the client's close_notify
            writeAndEnd(socket, answer);
        };
        try (SSLSocket socket = JdkTls.connect(client, port(0))) {
            writeAndEnd(socket, question);
            assertThat(sha256(readAll(socket.getInputStream()))).isEqualTo(sha256(answer));
        }
        assertThat(sha256(serverReceived.get(10, TimeUnit.SECONDS))).isEqualTo(sha256(question));
        routers.awaitIdle();
    }

    @Test
    void shouldCarryTheClientsBytesOverTlsAfterTheServerEndedItsSide() throws Exception {
        byte[] banner = random(1 << 20, 5);
        byte[] reply = random(2 << 20, 6);
        script = socket -> {
            writeAndEnd(socket, banner);
            serverReceived.complete(readAll(socket.getInputStream()));
        };
        try (SSLSocket socket = JdkTls.connect(client, port(0))) {
            assertThat(sha256(readAll(socket.getInputStream()))).isEqualTo(sha256(banner));
            writeAndEnd(socket, reply);
            assertThat(sha256(serverReceived.get(10, TimeUnit.SECONDS))).isEqualTo(sha256(reply));
        }
        routers.awaitIdle();
    }

    @Test
    void shouldResetTheClientWhenTheServersCertificateIsNotFromTheConnectorsCa() throws Exception {
        try (SSLSocket socket = JdkTls.connect(client, port(2))) {
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(Clients.drainUntilClosed(socket.getInputStream())).isEqualTo(-1); // reset
        }
        await().atMost(Routers.WAIT).until(() -> b.counters("svc-other-ca").tlsFailed() == 1);
        assertThat(log.messages(Level.WARN)).anySatisfy(line -> assertThat(line).contains(
                "[b] tcp connector for 'svc-other-ca': TLS handshake with server 127.0.0.1:" + server.port(),
                "failed: the server's certificate does not chain to a trusted CA", "set tls.ca"));
        assertThat(a.counters("svc-other-ca").opened()).isZero();
        routers.awaitIdle();
    }

    @Test
    void shouldResetTheClientWhenTheServersCertificateDoesNotNameTheServerName() throws Exception {
        try (SSLSocket socket = JdkTls.connect(client, port(3))) {
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(Clients.drainUntilClosed(socket.getInputStream())).isEqualTo(-1);
        }
        await().atMost(Routers.WAIT).until(() -> b.counters("svc-wrong-name").tlsFailed() == 1);
        assertThat(log.messages(Level.WARN)).anySatisfy(line -> assertThat(line).contains(
                "[b] tcp connector for 'svc-wrong-name'", "the server's certificate does not name 'wrong.example'",
                "set tls.serverName"));
        routers.awaitIdle();
    }

    @Test
    void shouldRefuseAClientWithoutCertificateWhereClientCaIsSetAndServeOneWithIt() throws Exception {
        try (SSLSocket socket = JdkTls.connect(JdkTls.context(null, dir.resolve("apps-ca.crt")), port(1))) {
            // TLS 1.3: the client's side of the handshake ends before the listener judges it; its refusal follows.
            assertThat(Clients.drainUntilClosed(socket.getInputStream())).isEqualTo(-1);
        }
        await().atMost(Routers.WAIT).until(() -> a.counters("svc").tlsRefused() == 1);
        assertThat(log.messages(Level.WARN)).anySatisfy(line -> assertThat(line).contains("[a] tcp listener for "
                + "'svc' on 127.0.0.1:" + port(1) + ": client 127.0.0.1:", "refused: TLS handshake failed: the "
                + "client sent no certificate, and tls.clientCa requires one"));
        assertThat(b.counters("svc").served()).isZero(); // refused before any connector was tried

        assertThat(echoOnce(port(1))).isEqualTo("pong");
        routers.awaitIdle();
    }

    @Test
    void shouldRefuseAPlainClientAtATlsListenerAndKeepServing() throws Exception {
        try (Socket plain = Clients.connect(port(0))) {
            plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(Clients.drainUntilClosed(plain.getInputStream())).isLessThanOrEqualTo(0);
        }
        await().atMost(Routers.WAIT).until(() -> a.counters("svc").tlsRefused() == 1);
        assertThat(log.messages(Level.WARN)).anySatisfy(line -> assertThat(line).contains(
                "refused: TLS handshake failed: the client does not speak TLS (plain TCP)"));

        assertThat(echoOnce(port(0))).isEqualTo("pong");
        routers.awaitIdle();
    }

    /** Sends "ping" and ends; the server answers "pong" after reading it. */
    private String echoOnce(int port) throws Exception {
        script = socket -> {
            readAll(socket.getInputStream());
            writeAndEnd(socket, "pong".getBytes(StandardCharsets.US_ASCII));
        };
        try (SSLSocket socket = JdkTls.connect(client, port)) {
            writeAndEnd(socket, "ping".getBytes(StandardCharsets.US_ASCII));
            return new String(readAll(socket.getInputStream()), StandardCharsets.US_ASCII);
        }
    }

    private static void writeAndEnd(Socket socket, byte[] data) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(data);
            out.flush();
            socket.shutdownOutput(); // TLS 1.3: close_notify, then FIN; the input stays open
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
