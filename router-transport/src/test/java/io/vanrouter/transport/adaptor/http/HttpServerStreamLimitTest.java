package io.vanrouter.transport.adaptor.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.adaptor.http.HttpRouters.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An HTTP/2 server that allows fewer concurrent streams than the requests in flight: the connector's requests beyond
 * its SETTINGS_MAX_CONCURRENT_STREAMS wait for a stream to close instead of failing, also those that arrive before
 * the server has sent its SETTINGS.
 */
@Timeout(60)
class HttpServerStreamLimitTest {
    private static final int SERVER_STREAMS_MAX = 2;
    private static final int REQUESTS = 24;

    /** Long enough for every request to reach the connector while its connection waits for the server's SETTINGS. */
    private static final long SETTINGS_DELAY_MILLIS = 500;

    @Test
    void shouldQueueRequestsBeyondTheServersStreamLimitAndAnswerEveryOne() throws Exception {
        answerEveryRequest(false);
    }

    @Test
    void shouldOpenNoStreamBeforeTheServersSettingsHaveArrived() throws Exception {
        answerEveryRequest(true);
    }

    private void answerEveryRequest(boolean settingsLate) throws Exception {
        Map<Channel, AtomicInteger> active = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger mostActive = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (HttpRouters routers = new HttpRouters()) {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (!settingsLate) {
                                addHttp2(ch);
                                return;
                            }
                            // the codec sends SETTINGS when added; until then the client's frames wait unread
                            ch.config().setAutoRead(false);
                            ch.eventLoop().schedule(() -> {
                                addHttp2(ch);
                                ch.config().setAutoRead(true);
                            }, SETTINGS_DELAY_MILLIS, TimeUnit.MILLISECONDS);
                        }

                        private void addHttp2(Channel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().initialSettings(
                                    Http2Settings.defaultSettings().maxConcurrentStreams(SERVER_STREAMS_MAX)).build());
                            ch.pipeline().addLast(new Http2MultiplexHandler(new SlowAnswer(active, mostActive,
                                    answered)));
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            int serverPort = ((java.net.InetSocketAddress) server.localAddress()).getPort();
            Router a = routers.listenerAndConnector(HttpProtocol.HTTP1, serverPort, HttpProtocol.HTTP2);

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.httpPort()
                        + "/r" + i)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < REQUESTS; i++) {
                HttpResponse<String> response = calls.get(i).get(40, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as("request %d: %s", i, response.body()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("/r" + i);
            }
            assertThat(answered).hasValue(REQUESTS);
            assertThat(mostActive.get()).as("streams open at once on one connection to the server")
                    .isBetween(1, SERVER_STREAMS_MAX);
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Answers each request with its path after 50 ms, so that requests pile up at the stream limit. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class SlowAnswer extends ChannelInboundHandlerAdapter {
        /** Per connection (the stream channels' parent): streams open now. */
        private final Map<Channel, AtomicInteger> active;
        private final AtomicInteger mostActive;
        private final AtomicInteger answered;

        SlowAnswer(Map<Channel, AtomicInteger> active, AtomicInteger mostActive, AtomicInteger answered) {
            this.active = active;
            this.mostActive = mostActive;
            this.answered = answered;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame headers) {
                    mostActive.accumulateAndGet(open(ctx).incrementAndGet(), Math::max);
                    String path = headers.headers().path().toString();
                    if (headers.isEndStream()) {
                        answerLater(ctx, path);
                    } else {
                        ctx.channel().attr(PATH).set(path);
                    }
                } else if (msg instanceof Http2DataFrame data && data.isEndStream()) {
                    answerLater(ctx, ctx.channel().attr(PATH).get());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answerLater(ChannelHandlerContext ctx, String path) {
            ctx.executor().schedule(() -> {
                open(ctx).decrementAndGet();
                answered.incrementAndGet();
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(path, StandardCharsets.UTF_8),
                        true));
            }, 50, TimeUnit.MILLISECONDS);
        }

        private AtomicInteger open(ChannelHandlerContext ctx) {
            return active.computeIfAbsent(ctx.channel().parent(), c -> new AtomicInteger());
        }

        private static final io.netty.util.AttributeKey<String> PATH = io.netty.util.AttributeKey.valueOf("path");
    }
}
