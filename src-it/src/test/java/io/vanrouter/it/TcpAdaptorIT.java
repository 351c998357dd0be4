package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCP adaptor with real router processes: a client at one site reaches a server at another by address, through
 * any path of routers, with real TCP servers and clients.
 */
@ExtendWith(DumpOnFailure.class)
@Timeout(180)
class TcpAdaptorIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TestNetwork network;
    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    private <T extends AutoCloseable> T keep(T server) {
        servers.add(server);
        return server;
    }

    static String listener(String address, int port) {
        return "tcp:\n  listeners:\n    - address: " + address + "\n      host: 127.0.0.1\n      port: " + port + "\n";
    }

    static String connector(String address, int port) {
        return "tcp:\n  connectors:\n    - address: " + address + "\n      host: 127.0.0.1\n      port: " + port + "\n";
    }

    static String listenerAndConnector(String address, int listenPort, int serverPort) {
        return "tcp:\n  listeners:\n    - address: " + address + "\n      host: 127.0.0.1\n      port: " + listenPort
                + "\n  connectors:\n    - address: " + address + "\n      host: 127.0.0.1\n      port: " + serverPort
                + "\n";
    }

    /** Routers that {@code router}'s status lists as having a consumer (connector) of {@code address}. */
    static List<String> addressRouters(RouterProcess router, String address) {
        return router.status().map(status -> {
            List<String> routers = new ArrayList<>();
            for (JsonNode row : status.path("addresses")) {
                if (address.equals(row.path("address").asText())) {
                    row.path("routers").forEach(r -> routers.add(r.asText()));
                    if (row.path("localConsumers").asInt() > 0) {
                        routers.add(router.id);
                    }
                }
            }
            return routers;
        }).orElse(List.of());
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Test
    void shouldEchoPayloadsThroughTwoHopsByteForByteWithHalfClose() throws Exception {
        ServerSocket echo = keep(Servers.echo());
        int port = FreePorts.next();
        RouterProcess a = network.startWith("a", listener("echo", port), "b");
        network.start("b", "c");
        network.startWith("c", connector("echo", echo.getLocalPort()));
        await().atMost(CONVERGE).until(() -> addressRouters(a, "echo").contains("c"));

        Random random = new Random(3);
        for (int size : new int[] {100, 1_000, 500_000, 16 << 20}) {
            byte[] payload = new byte[size];
            random.nextBytes(payload);
            try (Socket socket = connect(port)) {
                byte[] back = Servers.roundTrip(socket, payload, 60);
                assertThat(back.length).as("bytes back for %d", size).isEqualTo(size);
                assertThat(Arrays.equals(back, payload)).as("payload of %d bytes intact", size).isTrue();
            }
        }
        network.assertNoUnexpectedErrors(null);
    }

    /**
     * TLS at both edges: clients speak TLS to router a's listeners (a terminates it); router c speaks TLS to the
     * servers (c originates it, checks their certificates and host name, and presents a client certificate they
     * require); b in between carries the streams. A JDK TLS client echoes 8 MiB with half-close through a TLS echo
     * server; curl (OpenSSL) downloads and uploads 8 MiB through a JDK HTTPS server. Checksums both ways.
     */
    @Test
    void shouldTerminateAndOriginateTlsAtTheEdges() throws Exception {
        AppPki pki = new AppPki(dir);
        pki.issue("listener", "127.0.0.1", "localhost");
        pki.issue("router-c", "c.example");
        SSLContext serverTls = pki.context(pki.issue("server", "127.0.0.1", "localhost"));
        SSLServerSocket echoSocket = (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket(0, 1_024,
                InetAddress.getLoopbackAddress());
        echoSocket.setNeedClientAuth(true);
        ServerSocket echo = keep(Servers.echo(echoSocket));
        byte[] body = new byte[8 << 20];
        new Random(21).nextBytes(body);
        HttpsServer web = https(serverTls, body);
        servers.add(() -> web.stop(0));

        int echoPort = FreePorts.next();
        int webPort = FreePorts.next();
        String listenerTls = "      tls: {cert: listener.crt, key: listener.key}\n";
        String connectorTls = "      tls: {ca: apps-ca.crt, cert: router-c.crt, key: router-c.key}\n";
        RouterProcess a = network.startWith("a", "tcp:\n  listeners:\n" + entry("echo", echoPort) + listenerTls
                + entry("web", webPort) + listenerTls, "b");
        network.start("b", "c");
        network.startWith("c", "tcp:\n  connectors:\n" + entry("echo", echo.getLocalPort()) + connectorTls
                + entry("web", web.getAddress().getPort()) + connectorTls);
        await().atMost(CONVERGE).until(() -> addressRouters(a, "echo").contains("c")
                && addressRouters(a, "web").contains("c"));

        byte[] payload = new byte[8 << 20];
        new Random(22).nextBytes(payload);
        SSLSocket client = (SSLSocket) pki.context(null).getSocketFactory().createSocket(
                InetAddress.getLoopbackAddress(), echoPort);
        try (client) {
            SSLParameters checkHost = client.getSSLParameters();
            checkHost.setEndpointIdentificationAlgorithm("HTTPS");
            client.setSSLParameters(checkHost);
            client.setSoTimeout(30_000);
            byte[] back = Servers.roundTrip(client, payload, 60); // close_notify + FIN, then the echo comes back
            assertThat(sha256(back)).as("8 MiB echoed over TLS at both edges").isEqualTo(sha256(payload));
        }

        Path downloaded = dir.resolve("downloaded.bin");
        curl("--output", downloaded.toString(), "https://127.0.0.1:" + webPort + "/big");
        assertThat(sha256(java.nio.file.Files.readAllBytes(downloaded))).isEqualTo(sha256(body));
        Path upload = dir.resolve("upload.bin");
        java.nio.file.Files.write(upload, payload);
        assertThat(curl("--data-binary", "@" + upload, "https://127.0.0.1:" + webPort + "/big"))
                .as("the server's SHA-256 of the upload").isEqualTo(sha256(payload));
        network.assertNoUnexpectedErrors(null);
    }

    private static String entry(String address, int port) {
        return "    - address: " + address + "\n      host: 127.0.0.1\n      port: " + port + "\n";
    }

    /** GET /big answers {@code body}; POST /big answers the SHA-256 (hex) of what it received. Client certificates. */
    private static HttpsServer https(SSLContext tls, byte[] body) throws IOException {
        HttpsServer server = HttpsServer.create(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setNeedClientAuth(true);
                params.setSSLParameters(parameters);
            }
        });
        server.createContext("/big", exchange -> {
            byte[] answer = exchange.getRequestMethod().equals("POST")
                    ? sha256(exchange.getRequestBody().readAllBytes()).getBytes(StandardCharsets.US_ASCII) : body;
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** Runs curl with the apps CA (it checks the listener's certificate and host name); its output. */
    private String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--fail", "--max-time", "60",
                "--cacert", dir.resolve("apps-ca.crt").toString()));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as("curl %s: %s", args, output).isZero();
        return output;
    }

    private static String sha256(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldServeHttpFromAnotherSite() throws Exception {
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hello", exchange -> {
            byte[] body = ("hello from c, " + exchange.getRequestURI().getQuery()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        servers.add(() -> http.stop(0));
        int port = FreePorts.next();
        RouterProcess a = network.startWith("a", listener("web", port), "b");
        network.startWith("b", connector("web", http.getAddress().getPort()));
        await().atMost(CONVERGE).until(() -> addressRouters(a, "web").contains("b"));

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/hello?n=" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("hello from c, n=" + i);
        }
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldSpreadConcurrentConnectionsAcrossThreeSitesWhenBalanced() throws Exception {
        int port = FreePorts.next();
        RouterProcess a = startThreeConnectorSites(port, "");

        Map<String, Integer> counts = holdConnections(port, 300);
        assertThat(counts.keySet()).containsExactlyInAnyOrder("server-a", "server-b", "server-c");
        assertThat(counts.values()).as("each connector gets a fair share of 300: %s", counts)
                .allSatisfy(n -> assertThat(n).isBetween(70, 130));
        assertThat(a.isAlive()).isTrue();
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    void shouldUseLocalConnectorWhenClosest() throws Exception {
        int port = FreePorts.next();
        startThreeConnectorSites(port, "addresses:\n  - prefix: svc\n    distribution: closest\n");

        Map<String, Integer> counts = holdConnections(port, 60);
        assertThat(counts).containsExactly(Map.entry("server-a", 60));
        network.assertNoUnexpectedErrors(null);
    }

    /** A triangle, each router with a connector for "svc" to its own greeting server; a has the listener too. */
    private RouterProcess startThreeConnectorSites(int listenPort, String rules) throws Exception {
        ServerSocket serverA = keep(Servers.greeting("server-a"));
        ServerSocket serverB = keep(Servers.greeting("server-b"));
        ServerSocket serverC = keep(Servers.greeting("server-c"));
        RouterProcess a = network.startWith("a", rules + listenerAndConnector("svc", listenPort,
                serverA.getLocalPort()), "b", "c");
        network.startWith("b", rules + connector("svc", serverB.getLocalPort()), "c");
        network.startWith("c", rules + connector("svc", serverC.getLocalPort()));
        await().atMost(CONVERGE).until(() -> addressRouters(a, "svc").containsAll(List.of("a", "b", "c")));
        return a;
    }

    /** Opens {@code n} connections and keeps them all open; counts which server greeted each. */
    private static Map<String, Integer> holdConnections(int port, int n) throws Exception {
        List<Socket> open = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        try {
            for (int i = 0; i < n; i++) {
                Socket socket = connect(port);
                open.add(socket);
                counts.merge(readLine(socket.getInputStream()), 1, Integer::sum);
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
        return counts;
    }

    @Test
    void shouldSendNewConnectionsElsewhereWithinOneSecondWhenConnectorRouterIsKilled() throws Exception {
        ServerSocket serverB = keep(Servers.greeting("server-b"));
        ServerSocket serverC = keep(Servers.greeting("server-c"));
        int port = FreePorts.next();
        RouterProcess a = network.startWith("a", listener("svc", port), "b", "c");
        RouterProcess b = network.startWith("b", connector("svc", serverB.getLocalPort()), "c");
        network.startWith("c", connector("svc", serverC.getLocalPort()));
        await().atMost(CONVERGE).until(() -> addressRouters(a, "svc").containsAll(List.of("b", "c")));
        assertThat(holdConnections(port, 20)).containsOnlyKeys("server-b", "server-c");

        b.kill();
        // Within 1 s of the drop a has no route to b, so b is no longer a candidate (AddressTableDirectory) ...
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> List.of("unreachable", "unknown").contains(a.routeTo("b")));
        // ... and from then on every new connection lands on c; a failed connection fails the test.
        assertThat(holdConnections(port, 20)).containsExactly(Map.entry("server-c", 20));
    }

    @Test
    void shouldRefuseNewConnectionsAtOnceWhenNoConnectorIsReachable() throws Exception {
        int port = FreePorts.next();
        RouterProcess a = network.startWith("a", listener("nowhere", port));
        await().atMost(CONVERGE).until(() -> a.status().isPresent());

        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            try (Socket socket = connect(port)) {
                assertThat(readAllOrReset(socket.getInputStream())).isEmpty();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
        // The warning itself, once: not any line that names the address (the listener's start line does).
        String warning = "[a] tcp listener for 'nowhere' on 127.0.0.1:" + port
                + ": no reachable connector; closing new connections until one appears";
        await().atMost(CONVERGE).until(() -> a.logText().contains(warning));
        assertThat(a.logText().lines().filter(line -> line.contains("no reachable connector;")))
                .as("logged once, as a warning").singleElement().asString().contains(" WARN ").endsWith(warning);
        network.assertNoUnexpectedErrors(null);
    }

    private static byte[] readAllOrReset(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketException reset) {
            return new byte[0];
        }
    }

    @Test
    void shouldKeepRouterBufferingBoundedForASlowReaderOfOneGibibyte() throws Exception {
        long total = 1L << 30;
        ServerSocket source = keep(Servers.source(total));
        int port = FreePorts.next();
        RouterProcess a = network.startWith("a", listener("bulk", port), "b");
        RouterProcess b = network.start("b", "c");
        RouterProcess c = network.startWith("c", connector("bulk", source.getLocalPort()));
        await().atMost(CONVERGE).until(() -> addressRouters(a, "bulk").contains("c"));

        long maxHeld = 0;
        long received = 0;
        long nextSample = 0;
        byte[] buffer = new byte[256 * 1024];
        long startNanos = System.nanoTime();
        try (Socket socket = connect(port)) {
            InputStream in = socket.getInputStream();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received += n;
                if (received >= nextSample) {
                    nextSample += 64L << 20;
                    maxHeld = Math.max(maxHeld, held(a, b, c));
                    // Read slower than the routers can carry, so back-pressure must hold the data at the source.
                    pace(startNanos, received);
                }
            }
        }
        assertThat(received).isEqualTo(total);
        assertThat(maxHeld).as("bytes any router held for the stream").isLessThanOrEqualTo(1L << 20);
        for (RouterProcess router : List.of(a, b, c)) {
            assertThat(router.rssKib()).as("RSS of %s after 1 GiB", router.id).isLessThan(400L * 1024);
        }
    }

    /** Sleeps so that reading averages at most 128 MiB/s: this is the slow reader's pace, not a wait for state. */
    private static void pace(long startNanos, long received) throws InterruptedException {
        long dueNanos = startNanos + received * 1_000_000_000L / (128L << 20);
        long ahead = dueNanos - System.nanoTime();
        if (ahead > 0) {
            TimeUnit.NANOSECONDS.sleep(ahead);
        }
    }

    /** The most bytes any of the routers holds for one stream right now. */
    private static long held(RouterProcess... routers) {
        long max = 0;
        for (RouterProcess router : routers) {
            JsonNode status = router.status().orElseThrow();
            for (JsonNode connection : status.path("connections")) {
                max = Math.max(max, connection.path("bufferedBytes").asLong());
            }
        }
        return max;
    }
}
