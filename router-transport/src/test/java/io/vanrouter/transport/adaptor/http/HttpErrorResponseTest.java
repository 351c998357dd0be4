package io.vanrouter.transport.adaptor.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.transport.adaptor.http.HttpRouters.Router;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What an HTTP/1.1 client gets when no site can serve it, or when it sends something that is not HTTP. */
@Timeout(60)
class HttpErrorResponseTest {

    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static HttpSettings listener() {
        return new HttpSettings(List.of(new HttpListenerSettings("web", "127.0.0.1", 0, HttpProtocol.HTTP1)),
                List.of());
    }

    @Test
    void shouldAnswer503WhenNoSiteIsReachable() throws Exception {
        try (HttpRouters routers = new HttpRouters()) {
            Router a = routers.start("a", listener(), Map.of());

            String answer = exchange(a.httpPort(), "GET / HTTP/1.1\r\nHost: web\r\n\r\n");

            assertThat(answer).startsWith("HTTP/1.1 503 Service Unavailable").contains("NO_CONNECTOR");
            await().atMost(HttpRouters.WAIT).until(() -> a.http().counters().views().size() == 1);
            assertThat(a.http().counters().views()).singleElement().satisfies(v -> {
                assertThat(v.site()).isEqualTo(HttpCounters.NO_SITE);
                assertThat(v.status5xx()).isEqualTo(1);
                assertThat(v.failed()).isEqualTo(1);
            });
        }
    }

    /** The directory names c, but c has no connector for the address: c refuses, and the client gets the reason. */
    @Test
    void shouldAnswerWithTheReasonWhenTheOnlySiteRefuses() throws Exception {
        Map<String, List<String>> directory = Map.of("web", List.of("c"));
        try (HttpRouters routers = new HttpRouters()) {
            Router c = routers.start("c", HttpSettings.NONE, directory);
            Router a = routers.start("a", listener(), directory, c);
            routers.awaitRoutes();

            String answer = exchange(a.httpPort(), "POST /x HTTP/1.1\r\nHost: web\r\nContent-Length: 5\r\n\r\nhello");

            assertThat(answer).startsWith("HTTP/1.1 503").contains("has no connector for 'http:web'");
        }
    }

    @Test
    void shouldAnswer400ToAMalformedRequestAndServeTheNextClient() throws Exception {
        try (HttpRouters routers = new HttpRouters()) {
            Router a = routers.start("a", listener(), Map.of());

            assertThat(exchange(a.httpPort(), "GET / NOT-HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .startsWith("HTTP/1.1 400 Bad Request").contains("bad request");
            assertThat(exchange(a.httpPort(), "GET /" + "a".repeat(HttpListener.HTTP1_LINE_BYTES_MAX)
                    + " HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 431");
            assertThat(a.http().counters().badRequests("web")).isEqualTo(2);

            assertThat(exchange(a.httpPort(), "GET / HTTP/1.1\r\nHost: web\r\n\r\n")).startsWith("HTTP/1.1 503");
        }
    }
}
