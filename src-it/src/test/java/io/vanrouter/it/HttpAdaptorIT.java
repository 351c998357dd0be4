package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP adaptor with real router processes: one gRPC client connection (grpc-java) whose calls spread over two
 * connector sites, with deadlines, trailers and a site killed mid-stream; and HTTP/1.1 with curl (keep-alive across
 * sites, 100 MB up and down with chunked bodies, checksums) and wrk (keep-alive load over both sites, no errors)
 * against a JDK HTTP server ({@link HttpSites}).
 */
@ExtendWith(DumpOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class HttpAdaptorIT {
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    private static final CallOptions CALL = CallOptions.DEFAULT;
    private static final int WRK_CONNECTIONS = 8;

    @TempDir
    static Path dir; // static: injected before @BeforeAll, one for the class
    private TestNetwork network;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private GrpcSites grpcB;
    private GrpcSites grpcC;
    private RouterProcess a;
    private RouterProcess b;
    private RouterProcess c;
    private int grpcPort;
    private int webPort;
    private int webHttp2Port;
    private int grpcHttp1Port;

    /**
     * One network for every test (routers start once; the test that kills a site runs last):
     * <pre>
     *   clients -- a --- b -- gRPC server "b", HTTP/1.1 server "b"
     *               \--- c -- gRPC server "c", HTTP/1.1 server "c"
     * </pre>
     * a listens for 'grpc' (http2, and http1 too) and for 'web' (http1, and http2 too); b and c connect 'grpc' with
     * http2 and 'web' with http1.
     */
    @BeforeAll
    void startNetwork() throws Exception {
        network = new TestNetwork(dir);
        grpcB = closeLater(new GrpcSites("b"));
        grpcC = closeLater(new GrpcSites("c"));
        HttpSites webB = closeLater(new HttpSites("b"));
        HttpSites webC = closeLater(new HttpSites("c"));
        grpcPort = FreePorts.next();
        webPort = FreePorts.next();
        webHttp2Port = FreePorts.next();
        grpcHttp1Port = FreePorts.next();
        a = network.startWith("a", "http:\n  listeners:\n" + entry("grpc", grpcPort, "http2") + entry("web", webPort,
                "http1") + entry("web", webHttp2Port, "http2") + entry("grpc", grpcHttp1Port, "http1"), "b", "c");
        b = network.startWith("b", "http:\n  connectors:\n" + entry("grpc", grpcB.port(), "http2") + entry("web",
                webB.port(), "http1"));
        c = network.startWith("c", "http:\n  connectors:\n" + entry("grpc", grpcC.port(), "http2") + entry("web",
                webC.port(), "http1"));
        awaitConnectors(a, "grpc", "b", "c");
        awaitConnectors(a, "web", "b", "c");
    }

    @AfterAll
    void stopNetwork() throws Exception {
        for (AutoCloseable closeable : closing) {
            closeable.close();
        }
        network.close();
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closing.add(0, closeable); // closed in reverse order
        return closeable;
    }

    private static String entry(String address, int port, String protocol) {
        return "    - address: " + address + "\n      host: 127.0.0.1\n      port: " + port + "\n      protocol: "
                + protocol + "\n";
    }

    /** The HTTP status rows of {@code address} at {@code router}, by site. */
    static Map<String, JsonNode> rows(RouterProcess router, String address) {
        Map<String, JsonNode> bySite = new HashMap<>();
        router.status().ifPresent(s -> s.path("http").forEach(row -> {
            if (address.equals(row.path("address").asText())) {
                bySite.put(row.path("site").asText(), row);
            }
        }));
        return bySite;
    }

    private void awaitConnectors(RouterProcess at, String address, String... sites) {
        await().atMost(CONVERGE).until(() -> TcpAdaptorIT.addressRouters(at, "http:" + address)
                .containsAll(List.of(sites)));
    }

    private ManagedChannel channel(int port) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
                InsecureChannelCredentials.create()).build();
        closeLater(() -> {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        });
        return channel;
    }

    private static String who(ManagedChannel channel) throws Exception {
        return new String(GrpcCalls.await(GrpcCalls.start(channel, GrpcSites.WHO,
                CALL.withDeadlineAfter(20, TimeUnit.SECONDS), new byte[0])).single(), StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void shouldSpreadOneGrpcConnectionsCallsOverTwoSitesWithStreamsDeadlinesAndTrailers() throws Exception {
        GrpcSites atB = grpcB;
        GrpcSites atC = grpcC;
        ManagedChannel channel = channel(grpcPort); // one HTTP/2 connection for every call below

        Map<String, Integer> bySite = new HashMap<>();
        for (int batch = 0; batch < 20; batch++) {
            List<CompletableFuture<GrpcCalls.Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(GrpcCalls.start(channel, GrpcSites.WHO, CALL.withDeadlineAfter(30, TimeUnit.SECONDS),
                        new byte[0]));
            }
            for (CompletableFuture<GrpcCalls.Outcome> call : calls) {
                bySite.merge(new String(GrpcCalls.await(call).single(), StandardCharsets.UTF_8), 1, Integer::sum);
            }
        }
        assertThat(bySite.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
        assertThat(bySite.getOrDefault("b", 0)).as("calls per site %s", bySite).isBetween(400, 600);
        assertThat(bySite.getOrDefault("c", 0)).as("calls per site %s", bySite).isBetween(400, 600);

        // A server-streaming call: every message in order, then the OK status in the trailers.
        GrpcCalls.Outcome stream = GrpcCalls.await(GrpcCalls.start(channel, GrpcSites.STREAM,
                CALL.withDeadlineAfter(30, TimeUnit.SECONDS), "200:0".getBytes(StandardCharsets.UTF_8)));
        assertThat(stream.status().getCode()).isEqualTo(Status.Code.OK);
        List<String> messages = stream.messages().stream().map(m -> new String(m, StandardCharsets.UTF_8)).toList();
        assertThat(messages).hasSize(200);
        String site = messages.get(0).split(" ")[0];
        for (int i = 0; i < 200; i++) {
            assertThat(messages.get(i)).isEqualTo(site + " " + i);
        }

        // Trailers: an error status with its description and a custom trailer, from the site that answered.
        GrpcCalls.Outcome failed = GrpcCalls.await(GrpcCalls.start(channel, GrpcSites.FAIL,
                CALL.withDeadlineAfter(20, TimeUnit.SECONDS), new byte[0]));
        assertThat(failed.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        Metadata trailers = failed.trailers();
        assertThat(trailers.get(GrpcSites.SITE_TRAILER)).isIn("b", "c");
        assertThat(failed.status().getDescription()).isEqualTo("refused at " + trailers.get(
                GrpcSites.SITE_TRAILER));

        // Deadlines: the server sees the client's deadline (grpc-timeout travelled), the client gets
        // DEADLINE_EXCEEDED, and its cancellation reaches the server through the network.
        GrpcCalls.Outcome late = GrpcCalls.await(GrpcCalls.start(channel, GrpcSites.SLOW,
                CALL.withDeadlineAfter(500, TimeUnit.MILLISECONDS), new byte[0]));
        assertThat(late.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(atB.deadlinesSeen.get() + atC.deadlinesSeen.get()).isEqualTo(1);
        await().atMost(CONVERGE).until(() -> atB.cancelled.get() + atC.cancelled.get() == 1);

        // Status: requests per site with status classes and latency percentiles.
        await().atMost(CONVERGE).until(() -> rows(a, "grpc").keySet().containsAll(List.of("b", "c")));
        Map<String, JsonNode> rows = rows(a, "grpc");
        long requests = rows.get("b").path("requests").asLong() + rows.get("c").path("requests").asLong();
        assertThat(requests).isEqualTo(1003);
        assertThat(rows.get("b").path("status2xx").asLong()).isGreaterThanOrEqualTo(400);
        assertThat(rows.get("b").path("p99Micros").asLong()).isPositive();
        CommandRun.Result table = CommandRun.vanrouter(dir, "status", "--router", "127.0.0.1:" + a.managementPort,
                "connections");
        assertThat(table.output()).contains("HTTP requests per address and site").containsPattern("grpc +b +\\d+");
        assertThat(a.metricsText().orElseThrow()).containsPattern(
                "vanrouter_http_requests_total\\{[^}]*site=\"c\"[^}]*} [1-9]");
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    @Order(4) // last: it kills a site
    void shouldFailInFlightCallsOfAKilledSiteAndSendNewCallsToTheOther() throws Exception {
        ManagedChannel channel = channel(grpcPort);
        assertThat(List.of(who(channel), who(channel))).containsExactlyInAnyOrder("b", "c");

        // A long server-streaming call; once its first message names the site, that site's router dies.
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<GrpcCalls.Outcome> stream = GrpcCalls.start(channel, GrpcSites.STREAM,
                CALL.withDeadlineAfter(60, TimeUnit.SECONDS), "100000:20".getBytes(StandardCharsets.UTF_8),
                m -> first.complete(new String(m, StandardCharsets.UTF_8)));
        String site = first.get(30, TimeUnit.SECONDS).split(" ")[0];
        String other = site.equals("b") ? "c" : "b";
        RouterProcess killed = site.equals("b") ? b : c;
        killed.kill();

        GrpcCalls.Outcome cut = GrpcCalls.await(stream);
        assertThat(cut.status().getCode()).as("the in-flight call fails with an error: %s", cut.status())
                .isNotEqualTo(Status.Code.OK);
        assertThat(cut.messages().size()).isLessThan(100_000);

        // New calls on the same client connection all go to the surviving site.
        for (int i = 0; i < 20; i++) {
            assertThat(who(channel)).isEqualTo(other);
        }
        network.assertNoUnexpectedErrors(null);
    }

    @Test
    @Order(2)
    void shouldCarryHttp1KeepAliveAcrossSitesAndHundredMegabytesBothWaysWithChunkedBodies() throws Exception {
        int port = webPort;
        int http2Port = webHttp2Port;
        String base = "http://127.0.0.1:" + port;

        // Keep-alive: ten requests on one client connection, answered by both sites.
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail", "-w", " %{num_connects}\\n"));
        for (int i = 0; i < 10; i++) {
            command.add(base + "/site");
        }
        CommandRun.Result keepAlive = CommandRun.run(dir, command);
        List<String> lines = keepAlive.output().lines().toList();
        assertThat(lines).hasSize(10);
        assertThat(lines.stream().mapToInt(l -> Integer.parseInt(l.split(" ")[1])).sum())
                .as("connections opened: %s", lines).isEqualTo(1);
        assertThat(lines.stream().map(l -> l.split(" ")[0]).distinct()).containsExactlyInAnyOrder("b", "c");

        // 100 MB up with a chunked request body, answered with its SHA-256 by the site that read it.
        Path upload = HttpSites.randomFile(dir.resolve("upload.bin"), 100L << 20, 7);
        CommandRun.Result up = CommandRun.run(dir, List.of("curl", "-sS", "--fail", "-H",
                "Transfer-Encoding: chunked", "--data-binary", "@" + upload, base + "/sha256"));
        assertThat(up.output().trim()).endsWith(HttpSites.sha256(upload));

        // 100 MB down as a chunked response (no Content-Length), checked against the server's file.
        Path download = dir.resolve("download.bin");
        CommandRun.run(dir, List.of("curl", "-sS", "--fail", "-o", download.toString(), base + "/random?seed=9"));
        assertThat(HttpSites.sha256(download)).isEqualTo(HttpSites.sha256(HttpSites.randomFile(
                dir.resolve("expected.bin"), 100L << 20, 9)));

        // HTTP/2 to the client, HTTP/1.1 to the server: a 5 MB upload (chunked to the server) and its digest back.
        Path small = HttpSites.randomFile(dir.resolve("small.bin"), 5L << 20, 3);
        CommandRun.Result h2 = CommandRun.run(dir, List.of("curl", "-sS", "--fail", "--http2-prior-knowledge",
                "--data-binary", "@" + small, "http://127.0.0.1:" + http2Port + "/sha256"));
        assertThat(h2.output().trim()).matches("[bc] " + HttpSites.sha256(small));

        // HTTP/1.1 to the client, HTTP/2 to the server: a gRPC call (one empty message) whose response comes back
        // chunked, with the gRPC trailers in the last chunk.
        Path call = dir.resolve("call.bin");
        java.nio.file.Files.write(call, new byte[5]);
        CommandRun.Result h1 = CommandRun.run(dir, List.of("curl", "-sS", "--fail", "--raw", "-H",
                "Content-Type: application/grpc", "-H", "TE: trailers", "--data-binary", "@" + call,
                "http://127.0.0.1:" + grpcHttp1Port + "/test.Echo/Who"));
        assertThat(h1.output()).containsPattern("\\u0000\\u0000\\u0000\\u0000\\u0001[bc]").contains("grpc-status: 0");

        // Bad input: a malformed request gets 400 and the router serves the next client.
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET / NOT-HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request").contains("bad request");
        }
        CommandRun.Result after = CommandRun.run(dir, List.of("curl", "-sS", "--fail", base + "/site"));
        assertThat(after.output()).isIn("b", "c");
        assertThat(a.logText()).contains("bad request");
        network.assertNoUnexpectedErrors(null);
    }

    /**
     * wrk: eight keep-alive connections for two seconds, every answer a 200 from one of the sites; the router at a
     * counted at least the requests wrk completed, spread over both sites, none answered 5xx.
     */
    @Test
    @Order(3)
    void shouldServeWrksKeepAliveLoadOverBothSitesWithoutErrors() throws Exception {
        Map<String, JsonNode> before = rows(a, "web");
        CommandRun.Result run = CommandRun.run(dir, List.of("wrk", "-t", "2", "-c", String.valueOf(WRK_CONNECTIONS),
                "-d", "2s", "http://127.0.0.1:" + webPort + "/site"));
        String out = run.output();
        assertThat(run.exitCode()).as("wrk: %s", out).isZero();
        java.util.regex.Matcher done = java.util.regex.Pattern.compile("(\\d+) requests in").matcher(out);
        assertThat(done.find()).as("wrk output: %s", out).isTrue();
        long completed = Long.parseLong(done.group(1));
        assertThat(completed).as("requests wrk completed: %s", out).isPositive();
        // wrk prints these lines only when something went wrong.
        assertThat(out).doesNotContain("Non-2xx or 3xx responses").doesNotContain("Socket errors");

        Map<String, Long> requests = new HashMap<>();
        await().atMost(CONVERGE).untilAsserted(() -> {
            requests.putAll(delta(before, rows(a, "web"), "requests"));
            assertThat(requests.values().stream().mapToLong(Long::longValue).sum()).as("counted %s", requests)
                    .isGreaterThanOrEqualTo(completed);
        });
        assertThat(requests.get("b")).as("requests at b: %s", requests).isPositive();
        assertThat(requests.get("c")).as("requests at c: %s", requests).isPositive();
        Map<String, JsonNode> after = rows(a, "web");
        assertThat(delta(before, after, "status5xx")).as("5xx by site").allSatisfy((site, n) -> assertThat(n).isZero());
        // wrk stops by closing its connections, each with at most one request outstanding: those count as failed.
        assertThat(delta(before, after, "failed").values().stream().mapToLong(Long::longValue).sum())
                .as("requests cut by wrk closing its %d connections", WRK_CONNECTIONS)
                .isLessThanOrEqualTo(WRK_CONNECTIONS);
        network.assertNoUnexpectedErrors(null);
    }

    /** Per site, how much {@code field} of the status rows grew from {@code before} to {@code after}. */
    private static Map<String, Long> delta(Map<String, JsonNode> before, Map<String, JsonNode> after, String field) {
        Map<String, Long> grew = new HashMap<>();
        after.forEach((site, row) -> grew.put(site, row.path(field).asLong()
                - (before.containsKey(site) ? before.get(site).path(field).asLong() : 0)));
        return grew;
    }
}
