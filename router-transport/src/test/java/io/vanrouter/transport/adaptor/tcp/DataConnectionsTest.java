package io.vanrouter.transport.adaptor.tcp;

import static io.vanrouter.transport.adaptor.tcp.Clients.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.vanrouter.transport.LinkView;
import io.vanrouter.transport.adaptor.tcp.Routers.Router;
import io.vanrouter.transport.stream.StreamView;
import io.vanrouter.transport.wire.StreamResetCode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Data connections over real sockets (docs/protocol.md, section 5.1): streams ride them on every hop while the links
 * themselves carry control frames on the control loop; a peer that offers none gets streams on the link; a lost data
 * connection resets only its own streams, never the link, and is dialed again.
 */
@Timeout(120)
class DataConnectionsTest {
    private static final Map<String, List<String>> DIRECTORY = Map.of("svc", List.of("c"));

    private final Routers routers = new Routers();
    private EchoServer echo;
    private Router a;
    private Router b;
    private Router c;

    @AfterEach
    void stop() throws Exception {
        routers.close();
        if (echo != null) {
            echo.close();
        }
    }

    /** a - b - c, b dialing a and c dialing b; a listens for 'svc', c connects it to an echo server. */
    private void line() throws Exception {
        echo = new EchoServer();
        a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)), List.of(), DIRECTORY);
        b = routers.start("b", List.of(), List.of(), DIRECTORY, a);
        c = routers.start("c", List.of(), List.of(new TcpConnectorSettings("svc", "127.0.0.1", echo.port())),
                DIRECTORY, b);
        routers.awaitRoutes();
    }

    private static int dataConnections(Router router, String peer) {
        return router.server().dataConnections(peer).size();
    }

    private static String threadOf(Channel channel) throws Exception {
        return channel.eventLoop().submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldCarryStreamsOnDataConnectionsAndLinksOnTheControlLoop() throws Exception {
        line();
        await().atMost(Routers.WAIT).until(() -> dataConnections(a, "b") == 2 && dataConnections(b, "a") == 2
                && dataConnections(b, "c") == 2 && dataConnections(c, "b") == 2);
        // Accepted links are moved to the control loop, dialed ones start there; data connections never use it.
        Map<Router, List<String>> peers = Map.of(a, List.of("b"), b, List.of("a", "c"), c, List.of("b"));
        for (Router router : List.of(a, b, c)) {
            for (String peer : peers.get(router)) {
                assertThat(threadOf(router.server().linkChannel(peer))).as("%s's link to %s", router.id(), peer)
                        .matches("vanrouter-" + router.id() + "-control-\\d+-1");
                List<String> threads = new java.util.ArrayList<>();
                for (Channel data : router.server().dataConnections(peer)) {
                    threads.add(threadOf(data));
                }
                // One per loop on both ends: the accepting end moves a connection off a loop that already has one.
                assertThat(threads).as("%s's data connections to %s", router.id(), peer).doesNotHaveDuplicates()
                        .allMatch(name -> name.matches("vanrouter-" + router.id() + "-io-\\d+-\\d+"));
            }
        }
        assertThat(a.server().linkViews()).filteredOn(v -> "active".equals(v.state()))
                .extracting(LinkView::peerId, LinkView::dataConnections).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("b", 2));

        try (Socket client = Clients.connect(a.tcpPort())) {
            byte[] payload = random(10_000, 1);
            client.getOutputStream().write(payload);
            assertThat(client.getInputStream().readNBytes(payload.length)).isEqualTo(payload);
            // The stream is open both ways: every hop's link end names a data connection.
            assertThat(a.streams()).singleElement().extracting(StreamView::ends).asString()
                    .matches("socket .* <-> link L\\d+ \\(b\\) #\\d+ data");
            assertThat(b.streams()).singleElement().extracting(StreamView::ends).asString()
                    .matches("link L\\d+ \\(a\\) #\\d+ data <-> link L\\d+ \\(c\\) #\\d+ data");
            assertThat(c.streams()).singleElement().extracting(StreamView::ends).asString()
                    .matches("link L\\d+ \\(b\\) #\\d+ data <-> socket .*");
        }
        routers.awaitIdle();
    }

    /**
     * Bulk both ways on several streams at once: the data connections fill up and drain in turn on different loops,
     * and every end waiting for its connection must be woken (a lost wake-up stalls its stream for good).
     */
    @Test
    void shouldCarryConcurrentBulkBothWaysOnEveryDataConnectionWithoutStalling() throws Exception {
        line();
        await().atMost(Routers.WAIT).until(() -> dataConnections(a, "b") == 2 && dataConnections(c, "b") == 2);
        int clients = 6;
        List<java.util.concurrent.CompletableFuture<byte[]>> echoes = new java.util.ArrayList<>();
        List<byte[]> payloads = new java.util.ArrayList<>();
        for (int i = 0; i < clients; i++) {
            byte[] payload = random(8 << 20, 10 + i);
            payloads.add(payload);
            echoes.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return Clients.echo(a.tcpPort(), payload);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }));
        }
        for (int i = 0; i < clients; i++) {
            assertThat(echoes.get(i).get(90, TimeUnit.SECONDS)).as("echo %d", i).isEqualTo(payloads.get(i));
        }
        routers.awaitIdle();
    }

    @Test
    void shouldCarryStreamsOnTheLinkWhenAPeerOffersNoDataConnections() throws Exception {
        echo = new EchoServer();
        a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)), List.of(), DIRECTORY);
        routers.dataConnections(0); // c behaves like a router from before data connections
        c = routers.start("c", List.of(), List.of(new TcpConnectorSettings("svc", "127.0.0.1", echo.port())),
                DIRECTORY, a);
        routers.awaitRoutes();

        byte[] payload = random(200_000, 2);
        assertThat(Clients.echo(a.tcpPort(), payload)).isEqualTo(payload);
        assertThat(dataConnections(a, "c")).isZero();
        assertThat(dataConnections(c, "a")).isZero();
        assertThat(a.counters("svc").opened()).isEqualTo(1);
        routers.awaitIdle();
    }

    @Test
    void shouldResetOnlyTheStreamsOfALostDataConnectionAndDialItAgain() throws Exception {
        line();
        await().atMost(Routers.WAIT).until(() -> dataConnections(a, "b") == 2 && dataConnections(b, "a") == 2);
        long linkId = a.linkId("b");

        try (Socket client = Clients.connect(a.tcpPort())) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(new byte[] {1, 2, 3});
            assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);

            a.server().dataConnections("b").forEach(Channel::close);

            assertThat(Clients.drainUntilClosed(in)).as("the client's stream is reset").isEqualTo(-1);
        }
        // The link itself never went down: same link, same route; b dials the data connections again.
        assertThat(a.linkId("b")).isEqualTo(linkId);
        assertThat(a.core().routingTable().route("c")).isPresent();
        // Counted on a's loop just after it reset the client: awaited.
        await().atMost(Routers.WAIT).untilAsserted(() -> assertThat(a.server().streamRouter().resets().byCode())
                .containsOnlyKeys(StreamResetCode.LINK_DOWN));
        await().atMost(Routers.WAIT).until(() -> dataConnections(a, "b") == 2 && dataConnections(b, "a") == 2);
        byte[] payload = random(50_000, 3);
        assertThat(Clients.echo(a.tcpPort(), payload)).isEqualTo(payload);
        assertThat(a.linkId("b")).isEqualTo(linkId);
        routers.awaitIdle();
    }
}
