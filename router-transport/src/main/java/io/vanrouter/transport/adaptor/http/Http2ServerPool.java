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
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.stream.AdaptorEnd;
import io.vanrouter.transport.stream.AdaptorSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One HTTP/2 connection to a connector's server per event loop, each request an HTTP/2 stream on the connection of
 * its own loop. A lost connection fails its requests' streams; the next request connects again.
 *
 * <p>{@link #open} on the loop given; each loop's connection is touched only on that loop.
 */
final class Http2ServerPool implements HttpConnectors.ServerPool {
    private final String routerId;
    private final HttpConnectorSettings settings;
    private final Class<? extends SocketChannel> channelType;
    private final AddressResolverGroup<InetSocketAddress> resolvers;
    /** Per loop: the connection, connected or connecting; removed when it closes. */
    private final Map<EventLoop, ChannelFuture> connections = new ConcurrentHashMap<>();

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
        ChannelFuture connection = connections.get(loop);
        if (connection == null || (connection.isDone() && !connection.channel().isActive())) {
            connection = connect(loop);
        }
        connection.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            Http2StreamBridge bridge = new Http2StreamBridge(routerId, end);
            new Http2StreamChannelBootstrap(((ChannelFuture) f).channel())
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

    private ChannelFuture connect(EventLoop loop) {
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
                        server.pipeline().addLast(new ServerErrors());
                    }
                })
                .connect(settings.host(), settings.port());
        connections.put(loop, connecting);
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                HttpListener.LOG.debug("[{}] http2 connection for '{}' to {}:{} up", routerId, settings.address(),
                        settings.host(), settings.port());
            } else {
                connections.remove(loop, connecting);
            }
        });
        connecting.channel().closeFuture().addListener(f -> connections.remove(loop, connecting));
        return connecting;
    }

    @Override
    public void close() {
        connections.values().forEach(f -> f.channel().close());
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
