package io.vanrouter.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.wire.HandshakeFrame;
import io.vanrouter.transport.wire.Preamble;
import io.vanrouter.transport.wire.ReasonCode;
import io.vanrouter.transport.wire.ReasonFrame;
import io.vanrouter.transport.wire.WireTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real routers on 127.0.0.1 in one JVM, each with a recording core. */
@Timeout(60)
class TransportServerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<TransportServer> servers = new ArrayList<>();
    private final LogCapture log = new LogCapture("vanrouter.link");

    @AfterEach
    void tearDown() {
        servers.forEach(TransportServer::close);
        log.close();
    }

    private record Router(TransportServer server, RecordingCore core) {
        int port() {
            return server.boundAddresses().get(0).getPort();
        }

        long activeLinks() {
            return server.linkViews().stream().filter(v -> v.state().equals("active")).count();
        }
    }

    private Router start(String id, long instance, String network, int listenPort, int listenCost, Endpoint... peers)
            throws Exception {
        List<Endpoint> listen = listenPort < 0 ? List.of() : List.of(new Endpoint("127.0.0.1", listenPort, listenCost));
        TransportSettings settings = new TransportSettings(id, instance, network, RouterMode.INTERIOR, listen,
                List.of(peers), 5_000, TransportSettings.MAX_FRAME_BYTES_DEFAULT, 50, 500);
        TransportServer server = new TransportServer(settings);
        servers.add(server);
        RecordingCore core = new RecordingCore();
        server.start(core);
        return new Router(server, core);
    }

    private static Endpoint peer(Router router, int cost) {
        return new Endpoint("127.0.0.1", router.port(), cost);
    }

    @Test
    void shouldBringLinkUpOnBothSidesWithAgreedCostMax() throws Exception {
        Router a = start("a", 1, "demo", 0, 3);
        Router b = start("b", 2, "demo", -1, 1, peer(a, 2));

        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);
        assertThat(a.core().lastUp()).extracting("peerId", "peerInstance", "cost").containsExactly("b", 2L, 3);
        assertThat(b.core().lastUp()).extracting("peerId", "peerInstance", "cost").containsExactly("a", 1L, 3);
        assertThat(b.server().linkViews()).singleElement().satisfies(v -> {
            assertThat(v.state()).isEqualTo("active");
            assertThat(v.direction()).isEqualTo("out");
            assertThat(v.cost()).isEqualTo(3);
        });
        assertThat(log.messages(Level.INFO)).anyMatch(m -> m.matches("\\[b L\\d+ peer=a] link up \\(out, "
                + "127\\.0\\.0\\.1:" + a.port() + ", cost 3\\)"));
    }

    @Test
    void shouldDeliverMessagesSentThroughControlSender() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        Router b = start("b", 2, "demo", -1, 1, peer(a, 1));
        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);

        Hello hello = new Hello("a", 1, List.of("b"));
        LinkStateUpdate update = new LinkStateUpdate(new LinkState("a", 1, 7, Map.of("b", 1, "c", 4)));
        a.server().controlSender().send(a.core().lastUp().linkId(), hello);
        a.server().controlSender().send(a.core().lastUp().linkId(), update);
        a.server().controlSender().send(9_999, hello); // unknown link: dropped

        long linkAtB = b.core().lastUp().linkId();
        await().atMost(WAIT).until(() -> b.core().messages.size() == 2);
        assertThat(b.core().messages).containsExactly(new RecordingCore.Message(linkAtB, hello),
                new RecordingCore.Message(linkAtB, update));
        assertThat(a.server().counters().messagesDroppedNoLink()).isEqualTo(1);
    }

    @Test
    void shouldConvergeOnOneLinkWhenBothSidesDial() throws Exception {
        int portA = freePort();
        int portB = freePort();
        Router a = start("a", 1, "demo", portA, 1, new Endpoint("127.0.0.1", portB, 1));
        Router b = start("b", 2, "demo", portB, 1, new Endpoint("127.0.0.1", portA, 1));

        await().atMost(WAIT).during(Duration.ofMillis(1_500))
                .until(() -> a.activeLinks() == 1 && b.activeLinks() == 1);
        assertThat(a.core().linksUp()).isEqualTo(1);
        assertThat(b.core().linksUp()).isEqualTo(1);
        // The survivor is the connection dialed by "a", the smaller id.
        assertThat(a.server().linkViews()).filteredOn(v -> v.state().equals("active"))
                .singleElement().extracting(LinkView::direction).isEqualTo("out");
        assertThat(b.server().linkViews()).filteredOn(v -> v.state().equals("active"))
                .singleElement().extracting(LinkView::direction).isEqualTo("in");
    }

    @Test
    void shouldRefuseDuplicateRouterId() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        Router b = start("b", 2, "demo", -1, 1, peer(a, 1));
        await().atMost(WAIT).until(() -> a.core().linksUp() == 1);

        Router impostor = start("b", 3, "demo", -1, 1, peer(a, 1));
        await().atMost(WAIT).until(() -> warnings().stream().anyMatch(m -> m.startsWith("[a] refused link from "))
                && warnings().stream().anyMatch(m -> m.contains(" link to 127.0.0.1:" + a.port() + " refused by peer")));
        assertThat(warnings()).anyMatch(m -> m.matches("\\[a] refused link from 127\\.0\\.0\\.1:\\d+ \\(peer b\\): "
                + "duplicate router id: router id b already linked with instance 2"));
        assertThat(warnings()).anyMatch(m -> m.matches("\\[b] link to 127\\.0\\.0\\.1:" + a.port()
                + " refused by peer: DUPLICATE_ROUTER_ID: router id b already linked with instance 2"));
        assertThat(a.core().ups).extracting(RecordingCore.LinkUp::peerInstance).containsOnly(2L);
        assertThat(b.core().linksUp()).isEqualTo(1);
        // The listener refuses before it sends its own handshake, so the dialer never takes the link for up.
        assertThat(impostor.core().ups).isEmpty();
        assertThat(impostor.activeLinks()).isZero();
    }

    @Test
    void shouldRefuseOwnRouterIdOnBothSides() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        start("a", 2, "demo", -1, 1, peer(a, 1));
        await().atMost(WAIT).until(() -> warnings().stream().anyMatch(m -> m.contains("refused link from"))
                && warnings().stream().anyMatch(m -> m.contains("refused by peer: DUPLICATE_ROUTER_ID")));
        assertThat(warnings()).anyMatch(m -> m.endsWith("(peer a): duplicate router id: peer uses this router's id"));
        assertThat(a.core().ups).isEmpty();
    }

    @Test
    void shouldRefuseNetworkMismatchWithReasonLoggedOnBothSides() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        Router b = start("b", 2, "prod", -1, 1, peer(a, 1));
        await().atMost(WAIT).until(() -> warnings().stream().anyMatch(m -> m.startsWith("[a] refused link from"))
                && warnings().stream().anyMatch(m -> m.contains("refused by peer: NETWORK_MISMATCH")));
        assertThat(warnings()).anyMatch(m -> m.matches("\\[a] refused link from 127\\.0\\.0\\.1:\\d+ \\(peer b\\): "
                + "network mismatch: peer network 'prod' differs from 'demo'"));
        assertThat(warnings()).contains("[b] link to 127.0.0.1:" + a.port()
                + " refused by peer: NETWORK_MISMATCH: peer network 'prod' differs from 'demo'");
        assertThat(a.core().ups).isEmpty();
        assertThat(b.core().ups).isEmpty();
        await().atMost(WAIT).untilAsserted(() -> assertThat(b.server().linkViews()).anySatisfy(v -> {
            assertThat(v.state()).isIn("backoff", "connecting", "handshaking");
            assertThat(v.remote()).isEqualTo("127.0.0.1:" + a.port());
        }));
    }

    @Test
    void shouldSendShutdownReasonToPeersOnClose() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        Router b = start("b", 2, "demo", -1, 1, peer(a, 1));
        await().atMost(WAIT).until(() -> b.core().linksUp() == 1);

        a.server().close();
        a.server().close(); // idempotent

        await().atMost(WAIT).until(() -> b.core().downs.size() == 1);
        assertThat(b.core().downs.get(0).reason()).isEqualTo("closed by a: SHUTDOWN: router shutting down");
        assertThat(a.core().downs).singleElement().extracting(RecordingCore.LinkDown::reason)
                .isEqualTo("SHUTDOWN: router shutting down");
    }

    @Test
    void shouldReconnectWhenPeerRestartsOnSamePort() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        int port = a.port();
        Router b = start("b", 2, "demo", -1, 1, peer(a, 1));
        await().atMost(WAIT).until(() -> b.core().linksUp() == 1);

        a.server().close();
        await().atMost(WAIT).until(() -> b.core().linksUp() == 0);
        await().atMost(WAIT).until(() -> warnings().stream().anyMatch(m -> m.equals("[b] peer 127.0.0.1:" + port
                + " unreachable: Connection refused; retrying every <= 500 ms")));
        assertThat(b.server().linkViews()).singleElement().satisfies(v -> {
            assertThat(v.state()).isIn("backoff", "connecting");
            assertThat(v.linkId()).isEqualTo(-1);
        });

        Router restarted = start("a", 5, "demo", port, 1);
        await().atMost(WAIT).until(() -> b.core().linksUp() == 1 && restarted.core().linksUp() == 1);
        assertThat(b.core().lastUp().peerInstance()).isEqualTo(5);
        assertThat(log.messages(Level.INFO)).contains("[b] peer 127.0.0.1:" + port + " reachable again");
        assertThat(warnings()).filteredOn(m -> m.contains("unreachable")).hasSize(1);
    }

    @Test
    void shouldCloseALinkWhoseDeadIntervalExpiredWithoutWaitingForTheSilentPeer() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), a.port())) {
            ByteBuf handshake = WireTestSupport.encode(Preamble.CURRENT,
                    new HandshakeFrame(RouterMode.INTERIOR.code(), 1, 2, "b", "demo", HandshakeFrame.ROLE_LINK, 0));
            byte[] bytes = new byte[handshake.readableBytes()];
            handshake.readBytes(bytes);
            handshake.release();
            silent.getOutputStream().write(bytes);
            await().atMost(WAIT).until(() -> a.core().linksUp() == 1);

            // From here b neither reads nor closes, as over a path that went silent: a's core gives up on it.
            long closedNanos = System.nanoTime();
            a.server().controlSender().closeLink(a.core().lastUp().linkId(), "nothing heard for 3000 ms");
            await().atMost(WAIT).until(() -> a.core().downs.size() == 1);
            long downMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedNanos);

            assertThat(a.core().downs.get(0).reason()).isEqualTo("DEAD_INTERVAL: nothing heard for 3000 ms");
            // Waiting for a silent peer to close its end would only hold the link, and a dialer's redial, this long.
            assertThat(downMillis).as("link down after CLOSE DEAD_INTERVAL, ms").isLessThan(
                    LinkSession.CLOSE_LINGER_MILLIS);
        }
    }

    @Test
    void shouldCloseGarbageConnectionWhileExistingLinkKeepsWorking() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        Router b = start("b", 2, "demo", -1, 1, peer(a, 1));
        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);

        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        garbage[0] = 'X';
        readUntilClosed(a.port(), garbage);
        await().atMost(WAIT).until(() -> warnings().stream().anyMatch(m -> m.matches(
                "\\[a] garbage on inter-router port from 127\\.0\\.0\\.1:\\d+: bad preamble")));
        assertThat(a.server().counters().garbageConnections()).isEqualTo(1);

        assertLinkStillWorks(a, b);
    }

    @Test
    void shouldCloseConnectionSendingOversizedFrameWhileExistingLinkKeepsWorking() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        Router b = start("b", 2, "demo", -1, 1, peer(a, 1));
        await().atMost(WAIT).until(() -> a.core().linksUp() == 1 && b.core().linksUp() == 1);

        ByteBuf request = WireTestSupport.preamble().writeInt(64 << 20).writeByte(0x10).writeZero(1000);
        byte[] bytes = new byte[request.readableBytes()];
        request.readBytes(bytes);
        request.release();
        byte[] reply = readUntilClosed(a.port(), bytes);

        List<Object> frames = WireTestSupport.decode(Unpooled.wrappedBuffer(reply));
        assertThat(frames).last().isEqualTo(ReasonFrame.refuse(ReasonCode.FRAME_TOO_LARGE,
                "frame of 67108864 bytes exceeds limit " + (1 << 20)));
        assertThat(warnings()).anyMatch(m -> m.contains("frame too large: frame of 67108864 bytes exceeds limit"));
        assertLinkStillWorks(a, b);
    }

    @Test
    void shouldFailClearlyWhenListenAddressIsInUse() throws Exception {
        Router a = start("a", 1, "demo", 0, 1);
        assertThatThrownBy(() -> start("b", 2, "demo", a.port(), 1))
                .hasMessage("cannot listen on 127.0.0.1:" + a.port() + ": Address already in use");
    }

    private void assertLinkStillWorks(Router a, Router b) {
        Hello hello = new Hello("a", 1, List.of("b"));
        a.server().controlSender().send(a.core().lastUp().linkId(), hello);
        await().atMost(WAIT).until(() -> b.core().messages.stream().anyMatch(m -> m.message().equals(hello)));
        assertThat(a.core().downs).isEmpty();
        assertThat(b.core().downs).isEmpty();
    }

    /** Connects, writes {@code bytes}, then returns everything read until the router closes the connection. */
    private static byte[] readUntilClosed(int port, byte[] bytes) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            } catch (java.io.IOException e) {
                // the router may close before everything is written; reading below still sees the reply
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            try {
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                    received.write(chunk, 0, n);
                }
            } catch (java.net.SocketException e) {
                // connection reset after the router closed: also a close
            }
            return received.toByteArray();
        }
    }

    private List<String> warnings() {
        return log.messages(Level.WARN);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
