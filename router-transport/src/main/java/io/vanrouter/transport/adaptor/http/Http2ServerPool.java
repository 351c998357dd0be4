package io.vanrouter.transport.adaptor.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.stream.AdaptorEnd;
import io.vanrouter.transport.stream.AdaptorSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection to a connector's server per event loop, each request an HTTP/2 stream on the connection of
 * its own loop. A lost connection fails its requests' streams; the next request connects again.
 *
 * <p>A connection takes requests once the server's first SETTINGS frame has been applied, not when TCP connects:
 * until then the codec knows no SETTINGS_MAX_CONCURRENT_STREAMS, so it would open every waiting request's stream and
 * the server would refuse those beyond its limit (REFUSED_STREAM). With the limit known, the codec holds them instead.
 *
 * <p>{@link #open} on the loop given; each loop's connection is touched only on that loop.
 */
final class Http2ServerPool implements HttpConnectors.ServerPool {
    /** How long a connected server has to send its SETTINGS (RFC 9113 §3.4: its first frame) before we give up. */
    static final Duration SETTINGS_TIMEOUT = Duration.ofSeconds(10);

    private final String routerId;
    private final HttpConnectorSettings settings;
    private final Class<? extends SocketChannel> channelType;
    private final AddressResolverGroup<InetSocketAddress> resolvers;
    /** Per loop: the connection once the server's SETTINGS are in, or its promise; removed when it closes. */
    private final Map<EventLoop, Promise<Channel>> connections = new ConcurrentHashMap<>();

    Http2ServerPool(String routerId, HttpConnectorSettings settings, Class<? extends SocketChannel> channelType,
            AddressResolverGroup<InetSocketAddress> resolvers) {
        this.routerId = routerId;
        this.settings = settings;
        this.channelType = channelType;
        this.resolvers = resolvers;
    }

    @Override
    public Future<AdaptorSink> open(EventLoop loop, AdaptorEnd end) {
        assert loop.inEventLoop();
        Promise<AdaptorSink> promise = loop.newPromise();
        Future<Channel> connection = connections.get(loop);
        if (connection == null || (connection.isDone() && !isUp(connection))) {
            connection = connect(loop);
        }
        connection.addListener((Future<Channel> f) -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            Http2StreamBridge bridge = new Http2StreamBridge(routerId, end);
            new Http2StreamChannelBootstrap(f.getNow())
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(bridge)
                    .open()
                    .addListener(g -> {
                        if (g.isSuccess()) {
                            promise.trySuccess(bridge);
                        } else {
                            promise.tryFailure(g.cause());
                        }
                    });
        });
        return promise;
    }

    private static boolean isUp(Future<Channel> connection) {
        return connection.isSuccess() && connection.getNow().isActive();
    }

    private Future<Channel> connect(EventLoop loop) {
        Promise<Channel> ready = loop.newPromise();
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .resolver(resolvers)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel server) {
                        // one write per loop turn, not one per record
                        server.pipeline().addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                        server.pipeline().addLast(Http2Connections.clientCodec());
                        server.pipeline().addLast(new Http2Connections.ConnectionWindow());
                        server.pipeline().addLast(new Http2MultiplexHandler(new PushRefused()));
                        server.pipeline().addLast(new ServerSettings(ready));
                        server.pipeline().addLast(new ServerErrors());
                    }
                })
                .connect(settings.host(), settings.port());
        connections.put(loop, ready);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
                return;
            }
            ScheduledFuture<?> timeout = loop.schedule(() -> {
                if (ready.tryFailure(new IOException("no SETTINGS from the server within "
                        + SETTINGS_TIMEOUT.toMillis() + " ms"))) {
                    HttpListener.LOG.warn("[{}] http2 connection for '{}' to {}:{}: no SETTINGS within {} ms, closed",
                            routerId, settings.address(), settings.host(), settings.port(),
                            SETTINGS_TIMEOUT.toMillis());
                }
            }, SETTINGS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ready.addListener(r -> timeout.cancel(false));
        });
        ready.addListener(f -> {
            if (f.isSuccess()) {
                HttpListener.LOG.debug("[{}] http2 connection for '{}' to {}:{} up", routerId, settings.address(),
                        settings.host(), settings.port());
            } else {
                connections.remove(loop, ready);
                connecting.channel().close();
            }
        });
        connecting.channel().closeFuture().addListener(f -> {
            connections.remove(loop, ready);
            ready.tryFailure(new ClosedChannelException());
        });
        return ready;
    }

    @Override
    public void close() {
        connections.values().forEach(ready -> {
            if (!ready.tryFailure(new ClosedChannelException()) && ready.isSuccess()) {
                ready.getNow().close();
            }
        });
    }

    /** Completes {@code ready} with the connection when the server's first SETTINGS frame has been applied. */
    private static final class ServerSettings extends ChannelInboundHandlerAdapter {
        private final Promise<Channel> ready;

        ServerSettings(Promise<Channel> ready) {
            this.ready = ready;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // the codec has applied the settings (and acknowledged them) before it passes the frame on
            if (msg instanceof Http2SettingsFrame) {
                ready.trySuccess(ctx.channel());
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Server push is off (SETTINGS_ENABLE_PUSH 0 by the client codec); a pushed stream is closed. */
    @ChannelHandler.Sharable
    private static final class PushRefused extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }

    /** Errors of the connection to the server: one line, then the connection closes (its requests fail). */
    private final class ServerErrors extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                HttpListener.LOG.debug("[{}] http2 connection for '{}' to {}:{}: {}", routerId, settings.address(),
                        settings.host(), settings.port(), Errors.describe(cause));
            } else {
                HttpListener.LOG.warn("[{}] http2 connection for '{}' to {}:{}: {}", routerId, settings.address(),
                        settings.host(), settings.port(), Errors.describe(cause));
            }
            ctx.close();
        }
    }
}
