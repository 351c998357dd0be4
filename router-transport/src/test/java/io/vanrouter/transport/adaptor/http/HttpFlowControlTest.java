package io.vanrouter.transport.adaptor.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.vanrouter.transport.adaptor.http.HttpRouters.Router;
import io.vanrouter.transport.stream.StreamLimits;
import io.vanrouter.transport.stream.StreamView;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A response the client does not read stalls its server; each router holds a bounded part of it meanwhile. */
@Timeout(90)
class HttpFlowControlTest {
    private static final long BODY_BYTES = 64L << 20;

    @Test
    void shouldStallTheServerAndBoundWhatRoutersHoldWhileTheClientDoesNotRead() throws Exception {
        AtomicLong written = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, BODY_BYTES);
            byte[] block = new byte[64 << 10];
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < BODY_BYTES; sent += block.length) {
                    out.write(block);
                    written.addAndGet(block.length);
                }
            }
        });
        server.start();
        Map<String, List<String>> directory = Map.of("web", List.of("c"));
        try (HttpRouters routers = new HttpRouters(); Socket client = new Socket()) {
            Router c = routers.start("c", new HttpSettings(List.of(), List.of(new HttpConnectorSettings("web",
                    "127.0.0.1", server.getAddress().getPort(), HttpProtocol.HTTP1))), directory);
            Router b = routers.start("b", HttpSettings.NONE, directory, c);
            Router a = routers.start("a", new HttpSettings(List.of(new HttpListenerSettings("web", "127.0.0.1", 0,
                    HttpProtocol.HTTP1)), List.of()), directory, b);
            routers.awaitRoutes();

            client.setReceiveBufferSize(64 << 10);
            client.connect(new InetSocketAddress("127.0.0.1", a.httpPort()));
            client.getOutputStream().write("GET /big HTTP/1.1\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            // Not read: the server stalls far below the body's size, and stays there.
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > 0);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                    .until(() -> written.get() < BODY_BYTES / 2);
            for (Router router : List.of(a, b, c)) {
                List<StreamView> streams = router.server().streamViews();
                assertThat(streams).as("streams at %s", router.id()).hasSize(1);
                assertThat(streams.get(0).bufferedBytes()).as("bytes held at %s", router.id())
                        .isLessThanOrEqualTo(StreamLimits.BUFFERED_BYTES_MAX);
            }

            // Read now: everything arrives, in full.
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                head.append((char) in.read());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: "
                    + BODY_BYTES);
            while (total < BODY_BYTES) {
                int n = in.read(buffer);
                assertThat(n).isPositive();
                total += n;
            }
            assertThat(total).isEqualTo(BODY_BYTES);
        } finally {
            server.stop(0);
        }
    }
}
