package io.vanrouter.transport.adaptor.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vanrouter.transport.adaptor.http.HttpRouters.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that closes each keep-alive connection once it answered (as servers do after their keep-alive timeout,
 * e.g. Node's 5 s): the connector notices while the connection is idle and the next request gets a new one, rather
 * than a 502 from a connection the server has already closed.
 */
@Timeout(60)
class HttpIdleServerCloseTest {

    @Test
    void shouldNotSendTheNextRequestOnAConnectionTheServerClosedWhileIdle() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger closedByServer = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                HttpRouters routers = new HttpRouters()) {
            Thread serving = new Thread(() -> serve(server, accepted, closedByServer), "closing-server");
            serving.setDaemon(true);
            serving.start();
            Router a = routers.listenerAndConnector(HttpProtocol.HTTP1, server.getLocalPort(), HttpProtocol.HTTP1);

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://127.0.0.1:" + a.httpPort() + "/x");
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("request %d: %s", i, response.body()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("ok");
                int answered = i;
                await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer.get() == answered);
            }
            assertThat(accepted).as("one connection per request: each was closed by the server").hasValue(5);
        }
    }

    /** Answers one request per connection with a keep-alive response, then closes the connection. */
    private static void serve(ServerSocket server, AtomicInteger accepted, AtomicInteger closedByServer) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                accepted.incrementAndGet();
                InputStream in = socket.getInputStream();
                StringBuilder head = new StringBuilder();
                int b;
                while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0) {
                    head.append((char) b);
                }
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
            closedByServer.incrementAndGet();
        }
    }
}
