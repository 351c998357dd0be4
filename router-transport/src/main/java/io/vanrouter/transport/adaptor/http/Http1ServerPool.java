package io.vanrouter.transport.adaptor.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.stream.AdaptorEnd;
import io.vanrouter.transport.stream.AdaptorSink;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP/1.1 connections to a connector's server, kept per event loop: a request takes an idle keep-alive connection
 * of its loop or opens a new one, and gives it back when its exchange ended cleanly (at most {@link #IDLE_MAX} wait
 * per loop; the rest close).
 *
 * <p>{@link #open} on the loop given; each loop's idle list is touched only on that loop.
 */
final class Http1ServerPool implements HttpConnectors.ServerPool {
    /** Idle keep-alive connections kept per loop. */
    static final int IDLE_MAX = 16;

    private final String routerId;
    private final HttpConnectorSettings settings;
    private final Class<? extends SocketChannel> channelType;
    private final AddressResolverGroup<InetSocketAddress> resolvers;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

    Http1ServerPool(String routerId, HttpConnectorSettings settings, Class<? extends SocketChannel> channelType,
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
        ArrayDeque<Channel> free = idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
        Channel channel;
        while ((channel = free.poll()) != null) {
            if (channel.isActive()) {
                promise.setSuccess(channel.pipeline().get(Http1ServerConnection.class).start(end));
                return promise;
            }
        }
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .resolver(resolvers)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_RCVBUF, ApplicationSockets.RECEIVE_BUFFER_BYTES) // see HttpListener
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel server) {
                        // one write per loop turn, not one per record
                        server.pipeline().addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                        server.pipeline().addLast(new HttpClientCodec(HttpListener.HTTP1_LINE_BYTES_MAX,
                                HttpListener.HTTP1_HEAD_BYTES_MAX, HttpListener.HTTP1_CHUNK_BYTES_MAX));
                        server.pipeline().addLast(new Http1ServerConnection(routerId, settings, Http1ServerPool.this));
                    }
                })
                .connect(settings.host(), settings.port());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(connect.channel().pipeline().get(Http1ServerConnection.class).start(end));
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /** An exchange ended cleanly on {@code channel}: keep it for the next request of its loop, or close it. */
    void release(Channel channel) {
        ArrayDeque<Channel> free = idle.computeIfAbsent(channel.eventLoop(), l -> new ArrayDeque<>());
        if (free.size() < IDLE_MAX && channel.isActive()) {
            free.add(channel);
        } else {
            channel.close();
        }
    }

    /** Idle connections close; those in use close with their streams. Any thread. */
    @Override
    public void close() {
        idle.forEach((loop, free) -> loop.execute(() -> {
            free.forEach(Channel::close);
            free.clear();
        }));
    }
}
