package io.vanrouter.transport.adaptor.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.vanrouter.transport.adaptor.ListenerChannel;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.stream.ConnectorChooser;
import io.vanrouter.transport.stream.Stream;
import io.vanrouter.transport.stream.StreamLimits;
import io.vanrouter.transport.stream.StreamRouter;
import io.vanrouter.transport.tls.ServerTls;
import io.vanrouter.transport.wire.StreamResetCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP listener: accepts clients with AUTO_READ off and half-closure allowed, and gives each a stream toward a
 * connector of its address chosen by its {@link ConnectorChooser} ({@link ListenerAttempt}). With no reachable
 * connector a new client is closed at once; that condition is logged when it changes, not per connection. With TLS,
 * a client gets its stream once its handshake succeeded; a failed one is one WARN line and the client is closed.
 *
 * <p>Accepting runs on the event loops; {@link #bind} and {@link #close} on the caller's thread, {@link #close}
 * possibly while another thread is in {@link #bind}: the port is let go of either way.
 */
final class TcpListener implements TcpTlsHandler.Outcome {
    static final Logger LOG = LoggerFactory.getLogger("vanrouter.adaptor.tcp");

    final TcpListenerSettings settings;
    final StreamRouter router;
    final ConnectorDirectory directory;
    final ConnectorChooser chooser;
    final TcpCounters counters;
    private final ChannelGroup sockets;
    private final ServerTls tls; // null: plain TCP
    private final AtomicReference<Boolean> reachable = new AtomicReference<>();
    private final ListenerChannel server;

    TcpListener(TcpListenerSettings settings, StreamRouter router, ConnectorDirectory directory,
            TcpCounters counters, ChannelGroup sockets, ServerTls tls) {
        this.settings = settings;
        this.tls = tls;
        this.router = router;
        this.directory = directory;
        this.chooser = ConnectorChooser.of(settings.distribution());
        this.counters = counters;
        this.sockets = sockets;
        this.server = new ListenerChannel(LOG, router.routerId(), "tcp listener for '" + settings.address() + "' on "
                + settings.host() + ":" + settings.port());
    }

    void bind(EventLoopGroup group, Class<? extends ServerChannel> serverType) throws IOException {
        ChannelFuture future = new ServerBootstrap()
                .group(group)
                .channel(serverType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_RCVBUF, ApplicationSockets.RECEIVE_BUFFER_BYTES) // inherited, before listen
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, StreamLimits.socketReadAllocator())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel client) {
                        accept(client);
                    }
                })
                .bind(settings.host(), settings.port())
                .awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IOException("cannot listen for '" + settings.address() + "' on " + settings.host() + ":"
                    + settings.port() + ": " + Errors.describe(future.cause()), future.cause());
        }
        server.bound(future.channel(),
                () -> directory.subscribe(() -> noteReachable(!directory.candidates(settings.address()).isEmpty())));
        LOG.info("[{}] tcp listener for '{}' on {} ({}{})", router.routerId(), settings.address(), server.where(),
                settings.distribution().name().toLowerCase(java.util.Locale.ROOT), tls == null ? ""
                        : tls.clientCertificates() ? ", TLS, client certificates required" : ", TLS");
    }

    InetSocketAddress localAddress() {
        return server.localAddress();
    }

    /** Client's loop, from its initializer. */
    private void accept(Channel client) {
        sockets.add(client);
        counters.accepted(settings.address());
        if (tls == null) {
            startStream(client);
            return;
        }
        // The stream starts after the handshake (handshaken), so a client refused by TLS never reaches a connector.
        client.pipeline().addLast(HandlerNames.TLS, tls.newHandler(client.alloc()));
        client.pipeline().addLast(HandlerNames.TLS_OUTCOME, new TcpTlsHandler(this));
    }

    /**
     * TLS handshake done, from the TLS handler's event: before it passes on any bytes that followed the handshake,
     * so they find the stream's handler.
     */
    @Override
    public void handshaken(Channel client) {
        startStream(client);
    }

    @Override
    public void failed(Channel client, Throwable cause) {
        String where = server.where();
        if (TcpTlsFailures.isClosed(cause)) {
            LOG.debug("[{}] tcp listener for '{}' on {}: client {} closed during the TLS handshake", router.routerId(),
                    settings.address(), where, LinkSession.format(client.remoteAddress()));
            return;
        }
        counters.tlsRefused(settings.address());
        LOG.warn("[{}] tcp listener for '{}' on {}: client {} refused: TLS handshake failed: {}", router.routerId(),
                settings.address(), where, LinkSession.format(client.remoteAddress()), TcpTlsFailures.client(cause));
    }

    private void startStream(Channel client) {
        ListenerAttempt attempt = new ListenerAttempt(this, client);
        Stream stream = router.acceptSocket(client, settings.address(), attempt);
        // Attach the connector side now, before the first read: a client that sends and half-closes at once is read
        // even with AUTO_READ off (EPOLLRDHUP), and its bytes must find an end to wait in.
        attempt.start(stream);
    }

    /** Logs when the "no reachable connector" condition changes. Any thread. */
    void noteReachable(boolean nowReachable) {
        Boolean before = reachable.getAndSet(nowReachable);
        if (before != null && before == nowReachable) {
            return;
        }
        String where = server.where();
        if (!nowReachable) {
            LOG.warn("[{}] tcp listener for '{}' on {}: no reachable connector; closing new connections until one "
                    + "appears", router.routerId(), settings.address(), where);
        } else if (before != null) {
            LOG.info("[{}] tcp listener for '{}' on {}: a connector is reachable again", router.routerId(),
                    settings.address(), where);
        }
    }

    /** Closes the client with RST once it is registered (not from inside its initializer). */
    void refuse(Channel client, Stream stream) {
        counters.refused(settings.address());
        client.eventLoop().execute(() -> stream.abort(StreamResetCode.NO_CONNECTOR, "no reachable connector for '"
                + settings.address() + "'"));
    }

    /** Stops accepting; a {@link #bind} still under way lets go of the port and throws. Idempotent. */
    void close() {
        server.close();
    }
}
