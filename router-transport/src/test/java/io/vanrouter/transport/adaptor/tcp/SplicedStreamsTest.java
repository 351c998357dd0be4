package io.vanrouter.transport.adaptor.tcp;

import static io.vanrouter.transport.adaptor.tcp.Clients.echo;
import static io.vanrouter.transport.adaptor.tcp.Clients.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.transport.adaptor.tcp.Routers.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bulk streams move to stream connections of their own, hop by hop, and are spliced in the kernel at every router
 * (docs/data-plane.md, section 7; docs/protocol.md, section 5.3): bytes, FINs each way and aborts must come through
 * as they do on frames. Line {@code a - b - c}: listener at a, connector at c; b dials a and c dials b, so both ends
 * of a hop get to dial stream connections.
 */
@Timeout(120)
class SplicedStreamsTest {
    private final Routers routers = new Routers();
    private AutoCloseable server;

    @AfterEach
    void stop() throws Exception {
        routers.close();
        if (server != null) {
            server.close();
        }
    }

    private Router[] line(int serverPort) throws Exception {
        Map<String, List<String>> directory = Map.of("svc", List.of("c"));
        Router a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)), List.of(), directory);
        Router b = routers.start("b", List.of(), List.of(), directory, a);
        Router c = routers.start("c", List.of(), List.of(new TcpConnectorSettings("svc", "127.0.0.1", serverPort)),
                directory, b);
        routers.awaitRoutes();
        return new Router[] {a, b, c};
    }

    private static long spliced(Router router) {
        return router.server().streamRouter().splicedStreams();
    }

    /** Writes {@code payload} from another thread while this one reads its echo back. */
    private static byte[] roundTrip(Socket client, byte[] payload) throws Exception {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                client.getOutputStream().write(payload);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        byte[] back = client.getInputStream().readNBytes(payload.length);
        writer.get(30, TimeUnit.SECONDS);
        return back;
    }

    private static void awaitSplicedEverywhere(Router[] line) {
        await().atMost(Routers.WAIT).untilAsserted(() -> {
            for (Router router : line) {
                assertThat(spliced(router)).as("streams spliced at %s", router.id()).isEqualTo(1);
            }
        });
    }

    @Test
    void shouldSpliceABulkEchoAtEveryRouterAndDeliverEveryByteInOrder() throws Exception {
        EchoServer echoServer = new EchoServer();
        server = echoServer;
        Router[] line = line(echoServer.port());
        byte[] payload = random(48 << 20, 7);

        byte[] received = echo(line[0].tcpPort(), payload);

        assertThat(received).hasSize(payload.length);
        assertThat(Arrays.equals(received, payload)).as("echoed bytes equal the sent ones").isTrue();
        for (Router router : line) {
            assertThat(spliced(router)).as("streams spliced at %s", router.id()).isEqualTo(1);
        }
        assertThat(line[0].counters("svc").opened()).isEqualTo(1);
        routers.awaitIdle();
    }

    /** Round trips on a stream that stays open: it is spliced between two of them, and later ones go through. */
    @Test
    void shouldKeepEchoingOnAStreamThatIsSplicedBetweenRoundTrips() throws Exception {
        EchoServer echoServer = new EchoServer();
        server = echoServer;
        Router[] line = line(echoServer.port());
        try (Socket client = Clients.connect(line[0].tcpPort())) {
            for (int i = 0; i < 5; i++) {
                byte[] payload = random(1 << 20, 100 + i);
                assertThat(Arrays.equals(roundTrip(client, payload), payload)).as("round trip %d", i).isTrue();
            }
            // A hop's move may finish after the last round trip: the idle stream is spliced then.
            awaitSplicedEverywhere(line);
            byte[] last = random(1 << 20, 200);
            assertThat(Arrays.equals(roundTrip(client, last), last)).as("round trip once spliced everywhere").isTrue();
        }
        for (Router router : line) {
            assertThat(spliced(router)).as("streams spliced at %s", router.id()).isEqualTo(1);
        }
        routers.awaitIdle();
    }

    /** {@code count} round trips of a few bytes each, numbered from {@code first}, each echoed in full. */
    private static void smallRoundTrips(Socket client, int first, int count) throws Exception {
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        for (int i = first; i < first + count; i++) {
            byte[] request = String.format("PING %08d\r\n", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            out.write(request);
            out.flush();
            assertThat(in.readNBytes(request.length)).as("echo of round trip %d", i).isEqualTo(request);
        }
    }

    /**
     * A long-lived stream of small requests (a cache or database client) is spliced once it made
     * {@code spliceAfterReads} reads at a router, each round trip being at least two, and goes on echoing.
     */
    @Test
    void shouldSpliceABusyStreamOfSmallRoundTripsAtEveryRouter() throws Exception {
        EchoServer echoServer = new EchoServer();
        server = echoServer;
        Router[] line = line(echoServer.port());
        int busy = (int) io.vanrouter.transport.stream.StreamLimits.SPLICE_AFTER_READS_DEFAULT;
        try (Socket client = Clients.connect(line[0].tcpPort())) {
            smallRoundTrips(client, 0, busy);
            awaitSplicedEverywhere(line);
            smallRoundTrips(client, busy, 500);
        }
        routers.awaitIdle();
    }

    /**
     * Busy streams that reach the threshold on a loop owning more than {@code BUSY_SPLICE_LOOP_STREAMS_MAX} streams
     * stay framed (their requests share the data connection's reads and writes), for good; a busy stream alone on the
     * loop is spliced.
     */
    @Test
    void shouldKeepBusyStreamsOfACrowdedLoopOnFrames() throws Exception {
        EchoServer echoServer = new EchoServer();
        server = echoServer;
        routers.ioThreads(1); // every stream of a router on one loop
        Router[] line = line(echoServer.port());
        int busy = (int) io.vanrouter.transport.stream.StreamLimits.SPLICE_AFTER_READS_DEFAULT;
        List<Socket> crowd = new java.util.ArrayList<>();
        try {
            for (int i = 0; i <= io.vanrouter.transport.stream.StreamLimits.BUSY_SPLICE_LOOP_STREAMS_MAX; i++) {
                crowd.add(Clients.connect(line[0].tcpPort()));
            }
            await().atMost(Routers.WAIT).until(() -> line[2].streams().size() == crowd.size()); // live everywhere
            for (Socket client : crowd) {
                smallRoundTrips(client, 0, busy);
            }
            for (int i = 1; i < crowd.size(); i++) {
                crowd.get(i).close();
            }
            smallRoundTrips(crowd.get(0), busy, busy); // alone now, but its busy check was made in the crowd
            for (Router router : line) {
                assertThat(spliced(router)).as("streams spliced at %s", router.id()).isZero();
            }
        } finally {
            for (Socket client : crowd) {
                client.close();
            }
        }
        routers.awaitIdle();
        try (Socket alone = Clients.connect(line[0].tcpPort())) {
            smallRoundTrips(alone, 0, busy);
            awaitSplicedEverywhere(line);
            smallRoundTrips(alone, busy, 100);
        }
        routers.awaitIdle();
    }

    @Test
    void shouldKeepAStreamOfAFewRoundTripsOnFrames() throws Exception {
        EchoServer echoServer = new EchoServer();
        server = echoServer;
        Router[] line = line(echoServer.port());
        int few = (int) io.vanrouter.transport.stream.StreamLimits.SPLICE_AFTER_READS_DEFAULT / 10;
        try (Socket client = Clients.connect(line[0].tcpPort())) {
            smallRoundTrips(client, 0, few); // about two reads per round trip and router: a fifth of the threshold
            for (Router router : line) {
                assertThat(spliced(router)).as("streams spliced at %s", router.id()).isZero();
            }
        }
        routers.awaitIdle();
    }

    @Test
    void shouldSpliceOnlyBulkStreamsWhenSpliceAfterReadsIsZero() throws Exception {
        EchoServer echoServer = new EchoServer();
        server = echoServer;
        routers.spliceAfterReads(0);
        Router[] line = line(echoServer.port());
        try (Socket client = Clients.connect(line[0].tcpPort())) {
            smallRoundTrips(client, 0, 2_000);
            for (Router router : line) {
                assertThat(spliced(router)).as("streams spliced at %s", router.id()).isZero();
            }
            byte[] bulk = random(4 << 20, 21);
            assertThat(Arrays.equals(roundTrip(client, bulk), bulk)).as("a bulk round trip after them").isTrue();
            awaitSplicedEverywhere(line); // bulk still moves the stream
        }
        routers.awaitIdle();
    }

    @Test
    void shouldCarryEachDirectionsFinThroughASplicedStream() throws Exception {
        int reply = 6 << 20;
        AtomicReference<String> serverSaw = new AtomicReference<>();
        server = new ScriptedServer(socket -> {
            // Read to the client's FIN, then answer with bytes of its own and a FIN.
            serverSaw.set(sha256(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            out.write(random(reply, 11));
            out.flush();
            socket.shutdownOutput();
            socket.getInputStream().read(); // hold the socket open until the client closes
        });
        Router[] line = line(((ScriptedServer) server).port());
        byte[] request = random(10 << 20, 12);

        try (Socket client = Clients.connect(line[0].tcpPort())) {
            // The server reads to the FIN without answering, so this write cannot block for long.
            client.getOutputStream().write(request);
            // The FIN goes only once every router spliced: a FIN that overtakes a hop's move leaves that router on
            // frames (correct, but not what this test is about; CI saw it at b on a loaded machine).
            awaitSplicedEverywhere(line);
            client.shutdownOutput();
            byte[] answer = Clients.readAll(client.getInputStream());
            assertThat(Arrays.equals(answer, random(reply, 11))).as("the server's answer, in full").isTrue();
        }
        await().atMost(Routers.WAIT).untilAsserted(() -> assertThat(serverSaw.get())
                .isEqualTo(sha256(new java.io.ByteArrayInputStream(request))));
        for (Router router : line) {
            assertThat(spliced(router)).as("streams spliced at %s", router.id()).isEqualTo(1);
        }
        routers.awaitIdle();
    }

    @Test
    void shouldResetTheClientWhenTheServerAbortsASplicedStream() throws Exception {
        server = new ScriptedServer(socket -> {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 << 10];
            long read = 0;
            while (read < (8 << 20)) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                read += n;
            }
            socket.setSoLinger(true, 0); // RST
            socket.close();
        });
        Router[] line = line(((ScriptedServer) server).port());

        try (Socket client = Clients.connect(line[0].tcpPort())) {
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return Clients.drainUntilClosed(client.getInputStream());
                } catch (Exception e) {
                    return -2L;
                }
            });
            OutputStream out = client.getOutputStream();
            byte[] chunk = new byte[256 << 10];
            boolean failed = false;
            try {
                for (int i = 0; i < 4096; i++) { // 1 GiB at most: the reset comes long before
                    out.write(chunk);
                }
            } catch (java.io.IOException e) {
                failed = true;
            }
            assertThat(failed || reader.get(30, TimeUnit.SECONDS) < 0).as("the client saw the abort").isTrue();
        }
        assertThat(spliced(line[0])).isEqualTo(1);
        routers.awaitIdle();
    }

    @Test
    void shouldKeepStreamsOnFramesWhenARouterDoesNotSplice() throws Exception {
        EchoServer echoServer = new EchoServer();
        server = echoServer;
        Map<String, List<String>> directory = Map.of("svc", List.of("c"));
        Router a = routers.start("a", List.of(new TcpListenerSettings("svc", "127.0.0.1", 0)), List.of(), directory);
        routers.spliceAfterBytes(0); // b offers no stream connections: hops a-b and b-c stay on frames
        Router b = routers.start("b", List.of(), List.of(), directory, a);
        routers.spliceAfterBytes(io.vanrouter.transport.stream.StreamLimits.BULK_STREAM_BYTES);
        Router c = routers.start("c", List.of(), List.of(new TcpConnectorSettings("svc", "127.0.0.1",
                echoServer.port())), directory, b);
        routers.awaitRoutes();
        byte[] payload = random(8 << 20, 3);

        assertThat(Arrays.equals(echo(a.tcpPort(), payload), payload)).isTrue();

        for (Router router : new Router[] {a, b, c}) {
            assertThat(spliced(router)).as("streams spliced at %s", router.id()).isZero();
        }
        routers.awaitIdle();
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 << 10];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
