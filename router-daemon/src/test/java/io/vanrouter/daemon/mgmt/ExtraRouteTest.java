package io.vanrouter.daemon.mgmt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Routes added with {@link ManagementServer#serve}: exact paths, GET only, the token unless open, 400 for bad input. */
@Timeout(30)
class ExtraRouteTest {
    private static final String TOKEN = "s3cret-token-for-tests-0123456789";
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ManagementServer server;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("mgmt.token");
        Files.writeString(tokenFile, TOKEN + "\n");
        server = new ManagementServer("127.0.0.1", 0, () -> CompletableFuture.completedFuture(SampleStatus.siteA()),
                Duration.ofSeconds(2), BearerToken.read(tokenFile));
        server.serve("/trace", "application/json", false, query -> {
            if (!query.containsKey("address")) {
                throw new IllegalArgumentException("give the address");
            }
            return "{\"address\":\"" + query.get("address") + "\"}";
        });
        server.serve("/ui", "text/html; charset=utf-8", true, query -> TopologyPage.html());
    }

    @AfterEach
    void close() {
        server.close();
    }

    private HttpResponse<String> send(String method, String pathAndQuery, boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.address().getPort() + pathAndQuery)).method(method, HttpRequest.BodyPublishers.noBody());
        if (withToken) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerWithTheDecodedQueryBehindTheToken() throws Exception {
        assertThat(send("GET", "/trace?address=a%2Fb%20c", true).body()).isEqualTo("{\"address\":\"a/b c\"}");
        assertThat(send("GET", "/trace?address=x", false).statusCode()).isEqualTo(401);
    }

    @Test
    void shouldServeTheStaticPageWithoutTheToken() throws Exception {
        HttpResponse<String> page = send("GET", "/ui", false);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        // Self-contained: inline script and SVG, nothing loaded from elsewhere.
        assertThat(page.body()).contains("<svg id=\"map\"", "fetch(\"/topology\"", "#token=")
                .doesNotContain("src=\"http", "href=\"http", "@import", "<link ");
    }

    @Test
    void shouldRefuseOtherPathsMethodsAndMissingParameters() throws Exception {
        assertThat(send("GET", "/tracer", true).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/trace?address=x", true).statusCode()).isEqualTo(405);
        HttpResponse<String> bad = send("GET", "/trace", true);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("give the address");
    }
}
