package io.vanrouter.daemon.mgmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ManagementServerTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ManagementServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return send(method, path, null);
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeStatusAsJson() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> CompletableFuture.completedFuture(SampleStatus.siteA()));

        HttpResponse<String> response = send("GET", "/status");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(StatusJson.read(response.body())).isEqualTo(SampleStatus.siteA());
        assertThat(StatusJson.tree(response.body()).get("nodes").get(2).get("nextHop").asText()).isEqualTo("site-b");
    }

    /**
     * On a non-loopback (wildcard) address with a bearer token: a request without the token, or with another one, is
     * refused with 401; one with it is answered; the health check needs none.
     */
    @Test
    void shouldRequireTheBearerTokenOffLoopback(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("mgmt.token");
        Files.writeString(tokenFile, "s3cret-token-for-tests-0123456789\n");
        server = new ManagementServer("0.0.0.0", 0, () -> CompletableFuture.completedFuture(SampleStatus.siteA()),
                Duration.ofSeconds(2), BearerToken.read(tokenFile));

        HttpResponse<String> none = send("GET", "/status");
        HttpResponse<String> wrong = send("GET", "/status", "Bearer s3cret-token-for-tests-012345678X");
        HttpResponse<String> right = send("GET", "/status", "Bearer s3cret-token-for-tests-0123456789");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(none.body()).contains("a bearer token is required");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(send("GET", "/process").statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(StatusJson.read(right.body())).isEqualTo(SampleStatus.siteA());
        assertThat(send("GET", "/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseAShortOrMissingTokenFile(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("mgmt.token");
        Files.writeString(tokenFile, "short\n");

        assertThatThrownBy(() -> BearerToken.read(tokenFile)).isInstanceOf(IOException.class)
                .hasMessageContaining("shorter than 16 characters");
        assertThatThrownBy(() -> BearerToken.read(dir.resolve("none"))).isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot read the management token file");
    }

    @Test
    void shouldBindTheAskedAddress() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> new CompletableFuture<>());

        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.address().getPort()).isPositive();
    }

    @Test
    void shouldAnswerHealthz() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> new CompletableFuture<>());

        HttpResponse<String> response = send("GET", "/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
    }

    @Test
    void shouldAnswer404ForUnknownPaths() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> new CompletableFuture<>());

        HttpResponse<String> response = send("GET", "/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(StatusJson.tree(response.body()).get("error").asText()).contains("/nope");
    }

    @Test
    void shouldAnswer405ForOtherMethods() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> new CompletableFuture<>());

        HttpResponse<String> response = send("POST", "/status");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void shouldAnswer503WhenStatusNeverCompletes() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> new CompletableFuture<>(), Duration.ofMillis(50));

        HttpResponse<String> response = send("GET", "/status");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(StatusJson.tree(response.body()).get("error").asText())
                .isEqualTo("status not available within 50 ms");
    }

    @Test
    void shouldAnswer500WhenStatusFails() throws Exception {
        server = new ManagementServer("127.0.0.1", 0,
                () -> CompletableFuture.failedFuture(new IllegalStateException("core stopped")));

        HttpResponse<String> response = send("GET", "/status");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("core stopped");
    }

    @Test
    void shouldRefuseAPortInUse() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> new CompletableFuture<>());
        int port = server.address().getPort();

        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new ManagementServer("127.0.0.1", port, () -> new CompletableFuture<>()))
                .isInstanceOf(java.net.BindException.class)
                .hasMessageStartingWith("cannot bind management endpoint to 127.0.0.1:" + port);
    }

    @Test
    void shouldReleaseThePortOnClose() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> new CompletableFuture<>());
        int port = server.address().getPort();
        server.close();
        server.close();

        server = new ManagementServer("127.0.0.1", port, () -> new CompletableFuture<>());
        assertThat(server.address().getPort()).isEqualTo(port);
    }

    @Test
    void shouldServeProcessResources() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> new CompletableFuture<>());

        HttpResponse<String> response = send("GET", "/process");

        assertThat(response.statusCode()).isEqualTo(200);
        var json = StatusJson.tree(response.body());
        assertThat(json.get("heapUsedBytes").asLong()).isPositive();
        assertThat(json.get("heapMaxBytes").asLong()).isGreaterThanOrEqualTo(json.get("heapUsedBytes").asLong());
        assertThat(json.get("threads").asInt()).isGreaterThanOrEqualTo(ManagementServer.THREADS);
        assertThat(json.get("openFds").asLong()).isPositive(); // Linux CI; -1 only where the JVM cannot tell
        assertThat(json.get("rssBytes").asLong()).isGreaterThan(json.get("heapUsedAfterGcBytes").asLong());
        assertThat(json.has("directBytes") && json.has("nettyDirectBytes") && json.has("allocatorDirectBytes"))
                .isTrue();
    }

    @Test
    void shouldRefuseGcUnlessEnabledForTests() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> new CompletableFuture<>());
        System.clearProperty(ManagementServer.GC_PROPERTY);
        assertThat(send("POST", "/process/gc").statusCode()).isEqualTo(404);

        System.setProperty(ManagementServer.GC_PROPERTY, "true");
        try {
            HttpResponse<String> response = send("POST", "/process/gc");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(StatusJson.tree(response.body()).get("heapUsedAfterGcBytes").asLong()).isPositive();
            assertThat(send("GET", "/process/gc").statusCode()).isEqualTo(405);
        } finally {
            System.clearProperty(ManagementServer.GC_PROPERTY);
        }
    }
}
