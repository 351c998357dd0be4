package io.vanrouter.daemon.mgmt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /readyz} and {@code /metrics} on the management endpoint: status codes, bodies and the token rule. */
class ManagementProbesTest {
    private static final String TOKEN = "s3cret-token-for-tests-0123456789";
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ManagementServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.address().getPort() + path)).timeout(Duration.ofSeconds(5)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private ManagementServer withToken(Path dir) throws Exception {
        Path tokenFile = dir.resolve("mgmt.token");
        Files.writeString(tokenFile, TOKEN + "\n");
        return new ManagementServer("127.0.0.1", 0, () -> CompletableFuture.completedFuture(SampleStatus.siteA()),
                Duration.ofSeconds(2), BearerToken.read(tokenFile));
    }

    @Test
    void shouldAnswerReadyzWith503AndTheReasonUntilReadyWithoutAToken(@TempDir Path dir) throws Exception {
        server = withToken(dir);
        AtomicReference<Readiness> now = new AtomicReference<>(Readiness.notReady("shutting down",
                Map.of("linksUp", 0)));
        server.readiness(now::get);

        HttpResponse<String> notReady = get("/readyz", null);
        now.set(Readiness.ready(Map.of("linksUp", 2)));
        HttpResponse<String> ready = get("/readyz", null);

        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(notReady.body()).contains("\"ready\":false").contains("\"reason\":\"shutting down\"");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"ready\":true").contains("\"linksUp\":2");
    }

    @Test
    void shouldServeMetricsOnlyWithTheTokenWhenOneIsConfigured(@TempDir Path dir) throws Exception {
        server = withToken(dir);
        server.metrics("text/plain; version=0.0.4; charset=utf-8",
                out -> out.write("# TYPE x counter\nx_total 1.0\n".getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> none = get("/metrics", null);
        HttpResponse<String> right = get("/metrics", "Bearer " + TOKEN);

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(right.body()).isEqualTo("# TYPE x counter\nx_total 1.0\n");
    }

    @Test
    void shouldAnswer404ForMetricsWhenNoneAreServed() throws Exception {
        server = new ManagementServer("127.0.0.1", 0, () -> CompletableFuture.completedFuture(SampleStatus.siteA()));

        assertThat(get("/metrics", null).statusCode()).isEqualTo(404);
        assertThat(get("/readyz", null).statusCode()).isEqualTo(200); // no check given: alive means ready
    }
}
