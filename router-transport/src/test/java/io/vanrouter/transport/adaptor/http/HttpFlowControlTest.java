package io.vanrouter.transport.adaptor.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
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

/**
 * A response the client does not read stalls its server; each router holds a bounded part of it meanwhile. Over
 * HTTP/1.1 (TCP back-pressure) and over HTTP/2 (the client's stream window).
 */
@Timeout(90)
class HttpFlowControlTest {
    private static final long BODY_BYTES = 64L << 20;

    /** A JDK HTTP/1.1 server answering {@code /big} with {@link #BODY_BYTES}, counting what it wrote. */
    private static HttpServer bigServer(AtomicLong written) throws java.io.IOException {
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
        return server;
    }

    /** The server stalls far below the body's size and stays there; each router holds at most its bound. */
    private static void assertStalledAndBounded(AtomicLong written, List<Router> routers) {
        await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > 0);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                .until(() -> written.get() < BODY_BYTES / 2);
        for (Router router : routers) {
            List<StreamView> streams = router.server().streamViews();
            assertThat(streams).as("streams at %s", router.id()).hasSize(1);
            assertThat(streams.get(0).bufferedBytes()).as("bytes held at %s", router.id())
                    .isLessThanOrEqualTo(StreamLimits.BUFFERED_BYTES_MAX);
        }
    }

    /**
     * An HTTP/2 client that opens a request and does not read its response (its stream's child channel never reads,
     * so it never returns window): the listener's writes wait on the client's HTTP/2 window, and the server stalls.
     */
    @Test
    void shouldStallTheServerWhileAnHttp2ClientDoesNotReadItsStream() throws Exception {
        AtomicLong written = new AtomicLong();
        HttpServer server = bigServer(written);
        Map<String, List<String>> directory = Map.of("web", List.of("c"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (HttpRouters routers = new HttpRouters()) {
            Router c = routers.start("c", new HttpSettings(List.of(), List.of(new HttpConnectorSettings("web",
                    "127.0.0.1", server.getAddress().getPort(), HttpProtocol.HTTP1))), directory);
            Router a = routers.start("a", new HttpSettings(List.of(new HttpListenerSettings("web", "127.0.0.1", 0,
                    HttpProtocol.HTTP2)), List.of()), directory, c);
            routers.awaitRoutes();

            Channel connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                            ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    })
                    .connect("127.0.0.1", a.httpPort()).sync().channel();
            List<Object> received = new java.util.concurrent.CopyOnWriteArrayList<>();
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            received.add(msg.getClass().getSimpleName());
                            ReferenceCountUtil.release(msg);
                        }
                    })
                    .open().sync().getNow();
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path("/big")
                    .scheme("http").authority("web"), true)).sync();

            assertStalledAndBounded(written, List.of(a, c));

            // Reading now lets the response through (the first frames were waiting in the child channel).
            stream.config().setAutoRead(true);
            await().atMost(Duration.ofSeconds(60)).until(() -> written.get() == BODY_BYTES);
            connection.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            server.stop(0);
        }
    }

    @Test
    void shouldStallTheServerAndBoundWhatRoutersHoldWhileTheClientDoesNotRead() throws Exception {
        AtomicLong written = new AtomicLong();
        HttpServer server = bigServer(written);
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
            assertStalledAndBounded(written, List.of(a, b, c));

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
