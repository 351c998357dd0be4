package io.vanrouter.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.LogCapture;
import io.vanrouter.transport.RecordingCore;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.link.ActiveLink;
import io.vanrouter.transport.wire.ReasonCode;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Links over TLS between real routers on 127.0.0.1: what is admitted, and what is refused with its cause in both
 * routers' logs (docs/security.md).
 */
@Timeout(60)
class LinkTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final AtomicLong INSTANCES = new AtomicLong(System.currentTimeMillis());

    @TempDir
    Path dir;
    private TestPki pki;
    private final List<TransportServer> servers = new ArrayList<>();
    private final LogCapture log = new LogCapture("vanrouter.link");

    private record Router(String id, TransportServer server, RecordingCore core) {
        int port() {
            return server.boundAddresses().get(0).getPort();
        }
    }

    @BeforeEach
    void network() throws Exception {
        pki = new TestPki(dir, "net1");
    }

    @AfterEach
    void tearDown() {
        servers.forEach(TransportServer::close);
        log.close();
    }

    /** Router {@code id} with {@code tls} (null: plain), listening, dialing {@code peer} if not null. */
    private Router start(String id, LinkTls tls, Router peer) throws Exception {
        List<Endpoint> dial = peer == null ? List.of() : List.of(new Endpoint("127.0.0.1", peer.port(), 1));
        TransportSettings settings = new TransportSettings(id, INSTANCES.incrementAndGet(), "demo",
                RouterMode.INTERIOR, List.of(new Endpoint("127.0.0.1", 0, 1)), dial, 5_000,
                TransportSettings.MAX_FRAME_BYTES_DEFAULT, 50, 500);
        TransportServer server = new TransportServer(settings).linkTls(tls);
        servers.add(server);
        RecordingCore core = new RecordingCore();
        server.start(core);
        return new Router(id, server, core);
    }

    private LinkTls tls(String id) throws Exception {
        return LinkTls.load(id, pki.issue(id));
    }

    private List<String> warnings(String routerId) {
        return log.messages(Level.WARN).stream().filter(m -> m.startsWith("[" + routerId)).toList();
    }

    private void awaitWarnings(String routerId, String... fragments) {
        await().atMost(WAIT).untilAsserted(() -> {
            for (String fragment : fragments) {
                assertThat(warnings(routerId)).anyMatch(m -> m.contains(fragment));
            }
        });
    }

    @Test
    void shouldCarryLinkAndDataConnectionsOverTls13() throws Exception {
        Router a = start("a", tls("a"), null);
        Router b = start("b", tls("b"), a);

        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);
        ActiveLink link = b.server().activeLink("a");
        await().atMost(WAIT).until(() -> link.data().count() == link.data().agreed());
        assertThat(link.data().agreed()).isPositive();
        assertThat(link.channel().pipeline().get(SslHandler.class).engine().getSession().getProtocol())
                .isEqualTo("TLSv1.3");
        assertThat(link.data().all()).allSatisfy(c -> assertThat(c.pipeline().get(SslHandler.class)).isNotNull());
        assertThat(log.messages(Level.WARN)).isEmpty();
    }

    @Test
    void shouldRefuseACertificateFromAnotherCa() throws Exception {
        Router a = start("a", tls("a"), null);
        TestPki other = new TestPki(dir, "net2");
        Router b = start("b", LinkTls.load("b", other.issue("b")), a);

        awaitWarnings("a", "TLS handshake failed");
        awaitWarnings("b", "TLS handshake failed");
        assertThat(String.join("\n", warnings("a")) + String.join("\n", warnings("b")))
                .contains("not issued by a CA in this router's CA bundle");
        assertThat(a.core().linksUp() + b.core().linksUp()).isZero();
    }

    @Test
    void shouldRefuseAnExpiredCertificate() throws Exception {
        Router a = start("a", tls("a"), null);
        TlsFiles expired = pki.issue("b", Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1)), null);
        Router b = start("b", LinkTls.load("b", expired), a);

        awaitWarnings("a", "TLS handshake failed: the peer's certificate has expired");
        awaitWarnings("b", "TLS failed: the peer refused this router's certificate");
        assertThat(a.core().linksUp() + b.core().linksUp()).isZero();
    }

    @Test
    void shouldRefuseACertificateIssuedToAnotherRouterThanClaimed() throws Exception {
        Router a = start("a", tls("a"), null);
        Router b = start("b", tls("c"), a); // router b presents c's certificate

        awaitWarnings("a", "authentication failed: the peer claims router id 'b' but its certificate is issued to 'c'");
        awaitWarnings("b", "refused by peer: AUTHENTICATION_FAILED: the peer claims router id 'b' but its certificate"
                + " is issued to 'c'");
        assertThat(a.core().linksUp() + b.core().linksUp()).isZero();
    }

    @Test
    void shouldRefuseARevokedRouterAndCloseItsLiveLinkWhenTheListChanges() throws Exception {
        Path crl = dir.resolve("revoked.crl");
        pki.revoke(crl); // empty list
        TlsFiles aFiles = pki.issue("a");
        Router a = start("a", LinkTls.load("a", new TlsFiles(aFiles.ca(), aFiles.cert(), aFiles.key(), crl)), null);
        TlsFiles bFiles = pki.issue("b");
        Router b = start("b", LinkTls.load("b", bFiles), a);
        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);

        pki.revoke(crl, TestPki.certificate(bFiles));

        await().atMost(WAIT).until(() -> a.core().downs.size() == 1 && b.core().downs.size() == 1);
        awaitWarnings("a", "to b: certificate revoked: the certificate of router 'b'");
        awaitWarnings("b", "closed by a: CERTIFICATE_REVOKED: the certificate of router 'b'");
        // and it cannot come back: b's dialer tries again and is refused
        awaitWarnings("b", "refused by peer: CERTIFICATE_REVOKED");
        assertThat(a.core().ups).as("no link came up again").hasSize(1);
    }

    @Test
    void shouldRefuseAPlainRouterAtATlsPortWithTheCauseOnBothSides() throws Exception {
        Router a = start("a", tls("a"), null);
        Router b = start("b", null, a);

        awaitWarnings("a", "TLS handshake failed: the peer does not speak TLS");
        awaitWarnings("b", "refused by peer: AUTHENTICATION_FAILED: this router's links require TLS");
        assertThat(a.core().linksUp() + b.core().linksUp()).isZero();
    }

    @Test
    void shouldRefuseATlsRouterAtAPlainPortWithTheCauseOnBothSides() throws Exception {
        Router a = start("a", null, null);
        Router b = start("b", tls("b"), a);

        awaitWarnings("a", "the peer starts TLS but this router's links are plain");
        awaitWarnings("b", "TLS handshake failed");
        assertThat(a.core().linksUp() + b.core().linksUp()).isZero();
    }

    private static X509Certificate peerCertificate(Channel connection) throws Exception {
        return (X509Certificate) connection.pipeline().get(SslHandler.class).engine().getSession()
                .getPeerCertificates()[0];
    }

    @Test
    void shouldUseRotatedCredentialsOnNewConnectionsWhileLiveLinksStayUp() throws Exception {
        Router a = start("a", tls("a"), null);
        TlsFiles bFiles = pki.issue("b");
        Router b = start("b", LinkTls.load("b", bFiles), a);
        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);
        ActiveLink linkAtA = a.server().activeLink("b");
        await().atMost(WAIT).until(() -> linkAtA.data().count() == linkAtA.data().agreed());

        X509Certificate next = pki.reissue("b", bFiles);
        await().atMost(WAIT).until(() -> b.server().linkTls().certificate().getSerialNumber()
                .equals(next.getSerialNumber()));

        assertThat(a.server().activeLink("b")).as("the live link stays up").isSameAs(linkAtA);
        assertThat(peerCertificate(linkAtA.channel()).getSerialNumber()).isNotEqualTo(next.getSerialNumber());
        Channel replaced = b.server().activeLink("a").data().all().get(0);
        replaced.close(); // b dials it again, with its new certificate
        await().atMost(WAIT).until(() -> linkAtA.data().count() == linkAtA.data().agreed()
                && linkAtA.data().all().stream().anyMatch(c -> serialOf(c).equals(next.getSerialNumber())));
        assertThat(a.core().downs).isEmpty();
        assertThat(log.messages(Level.INFO)).anyMatch(m -> m.startsWith("[b] link credentials reloaded: certificate"
                + " serial " + next.getSerialNumber().toString(16)));
    }

    private static java.math.BigInteger serialOf(Channel connection) {
        try {
            return peerCertificate(connection).getSerialNumber();
        } catch (Exception e) {
            return java.math.BigInteger.ZERO;
        }
    }

    /**
     * CA 1 to CA 2, one router at a time: both CAs in every bundle, then each router's certificate from CA 2, then
     * CA 1 out of the bundles. After every step each router's links are made again from scratch, and come up.
     */
    @Test
    void shouldMoveANetworkToANewCaOneRouterAtATime() throws Exception {
        TestPki next = new TestPki(dir, "net1-next");
        List<String> ids = List.of("a", "b", "c");
        java.util.Map<String, TlsFiles> files = new java.util.HashMap<>();
        List<Router> routers = new ArrayList<>();
        for (String id : ids) {
            TlsFiles issued = pki.issue(id);
            Path ownCa = dir.resolve(id + "-bundle.crt");
            TestPki.bundle(ownCa, pki);
            files.put(id, new TlsFiles(ownCa, issued.cert(), issued.key(), null));
            routers.add(start(id, LinkTls.load(id, files.get(id)), routers.isEmpty() ? null
                    : routers.get(routers.size() - 1)));
        }
        awaitLine(routers);

        for (String id : ids) {
            TestPki.bundle(files.get(id).ca(), pki, next);
        }
        relinkAfterReload(routers);
        for (int i = 0; i < ids.size(); i++) {
            X509Certificate fromNext = next.reissue(ids.get(i), files.get(ids.get(i)));
            Router router = routers.get(i);
            await().atMost(WAIT).until(() -> router.server().linkTls().certificate().getSerialNumber()
                    .equals(fromNext.getSerialNumber()));
            relinkAfterReload(routers);
        }
        for (String id : ids) {
            TestPki.bundle(files.get(id).ca(), next);
        }
        relinkAfterReload(routers);
        assertThat(log.messages(Level.WARN)).noneMatch(m -> m.contains("TLS handshake failed"));
    }

    /** a - b - c: b dialed a, c dialed b. */
    private void awaitLine(List<Router> routers) {
        await().atMost(WAIT).until(() -> routers.get(0).core().linksUp() == 1 && routers.get(1).core().linksUp() == 2
                && routers.get(2).core().linksUp() == 1);
    }

    /** Waits for every router to use its files as they are now, then closes every link and waits for them again. */
    private void relinkAfterReload(List<Router> routers) {
        await().atMost(WAIT).until(() -> routers.stream().allMatch(r -> r.server().linkTls().upToDate()));
        int upsBefore = routers.get(1).core().ups.size();
        for (Router router : routers) {
            for (String peer : List.of("a", "b", "c")) {
                ActiveLink link = router.server().activeLink(peer);
                if (link != null) {
                    link.close(ReasonCode.SHUTDOWN, "test: make the link again");
                }
            }
        }
        await().atMost(WAIT).until(() -> routers.get(1).core().ups.size() >= upsBefore + 2);
        awaitLine(routers);
    }

    @Test
    void shouldRefuseToLoadCredentialsOfAnotherRouter() throws Exception {
        TlsFiles files = pki.issue("b");
        assertThatThrownBy(() -> LinkTls.load("a", files)).isInstanceOf(TlsException.class)
                .hasMessageContaining("issued to router 'b', not to this router ('a')");
    }
}
