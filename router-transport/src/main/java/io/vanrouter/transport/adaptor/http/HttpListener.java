package io.vanrouter.transport.adaptor.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vanrouter.transport.adaptor.ListenerChannel;
import io.vanrouter.transport.adaptor.tcp.ConnectorDirectory;
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.stream.ConnectorChooser;
import io.vanrouter.transport.stream.StreamRouter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP listener: accepts clients speaking HTTP/1.1 ({@link Http1ListenerHandler}, one request at a time per
 * connection) or HTTP/2 ({@link Http2StreamBridge} per HTTP/2 stream), and routes each request on its own through a
 * {@link RequestRoute}.
 *
 * <p>{@link #bind} and {@link #close}: the caller's thread, {@link #close} possibly while another thread is in
 * {@link #bind} (the port is let go of either way); connections: their event loops.
 */
final class HttpListener {
    static final Logger LOG = LoggerFactory.getLogger("vanrouter.adaptor.http");
    /** Longest request line or header line of HTTP/1.1, and the whole head: past them the client gets 431/400. */
    static final int HTTP1_LINE_BYTES_MAX = 8 << 10;
    static final int HTTP1_HEAD_BYTES_MAX = 32 << 10;
    /** Bytes of one HTTP/1.1 body chunk handed on at once (larger chunks are split by the decoder). */
    static final int HTTP1_CHUNK_BYTES_MAX = 64 << 10;

    final HttpListenerSettings settings;
    final StreamRouter router;
    final ConnectorDirectory directory;
    final ConnectorChooser chooser;
    final HttpCounters counters;
    private final AtomicReference<Boolean> reachable = new AtomicReference<>();
    private final ListenerChannel server;

    HttpListener(HttpListenerSettings settings, StreamRouter router, ConnectorDirectory directory,
            HttpCounters counters) {
        this.settings = settings;
        this.router = router;
        this.directory = directory;
        this.chooser = ConnectorChooser.of(settings.distribution());
        this.counters = counters;
        this.server = new ListenerChannel(LOG, router.routerId(), "http listener for '" + settings.address()
                + "' on " + settings.host() + ":" + settings.port());
    }

    String streamAddress() {
        return HttpAdaptor.streamAddress(settings.address());
    }

    void bind(EventLoopGroup group, Class<? extends ServerChannel> serverType) throws IOException {
        boolean http2 = settings.protocol() == HttpProtocol.HTTP2;
        ChannelFuture future = new ServerBootstrap()
                .group(group)
                .channel(serverType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 4096)
                // HTTP/1.1: read only while the current request's stream can take more. HTTP/2: the connection is
                // always read (its streams are not), flow control is per stream.
                .childOption(ChannelOption.AUTO_READ, http2)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // As for TCP clients: epoll reads a half-closed peer to EOF even with AUTO_READ off, so the kernel's
                // buffer bounds what that read holds (docs/data-plane.md, "Reads after FIN").
                .option(ChannelOption.SO_RCVBUF, ApplicationSockets.RECEIVE_BUFFER_BYTES)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel client) {
                        if (http2) {
                            initHttp2(client);
                        } else {
                            initHttp1(client);
                        }
                    }
                })
                .bind(settings.host(), settings.port())
                .awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen for http '" + settings.address() + "' on " + settings.host() + ":"
                    + settings.port() + ": " + Errors.describe(future.cause()), future.cause());
        }
        server.bound(future.channel(),
                () -> directory.subscribe(() -> noteReachable(!directory.candidates(streamAddress()).isEmpty())));
        LOG.info("[{}] http listener for '{}' on {} ({}, {})", router.routerId(), settings.address(),
                server.where(), settings.protocol().configName(),
                settings.distribution().name().toLowerCase(Locale.ROOT));
    }

    private void initHttp2(Channel client) {
        // one write per loop turn, not one per record
        client.pipeline().addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        client.pipeline().addLast(Http2Connections.serverCodec());
        client.pipeline().addLast(new Http2Connections.ConnectionWindow());
        client.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false);
                stream.pipeline().addLast(new Http2StreamBridge(HttpListener.this));
            }
        }));
        client.pipeline().addLast(new HttpConnectionErrors(this));
    }

    private void initHttp1(Channel client) {
        // one write per loop turn, not one per record
        client.pipeline().addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        client.pipeline().addLast(new HttpServerCodec(HTTP1_LINE_BYTES_MAX, HTTP1_HEAD_BYTES_MAX,
                HTTP1_CHUNK_BYTES_MAX));
        client.pipeline().addLast(new HttpServerExpectContinueHandler());
        client.pipeline().addLast(new Http1ListenerHandler(this));
        client.pipeline().addLast(new HttpConnectionErrors(this));
    }

    InetSocketAddress localAddress() {
        return server.localAddress();
    }

    /** Logs when the "no reachable connector" condition changes. Any thread. */
    void noteReachable(boolean nowReachable) {
        Boolean before = reachable.getAndSet(nowReachable);
        if (before != null && before == nowReachable) {
            return;
        }
        String where = server.where();
        if (!nowReachable) {
            LOG.warn("[{}] http listener for '{}' on {}: no reachable connector; answering 503 until one appears",
                    router.routerId(), settings.address(), where);
        } else if (before != null) {
            LOG.info("[{}] http listener for '{}' on {}: a connector is reachable again", router.routerId(),
                    settings.address(), where);
        }
    }

    /** Stops accepting; a {@link #bind} still under way lets go of the port and throws. Idempotent. */
    void close() {
        server.close();
    }
}
