package io.vanrouter.transport.adaptor.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolverGroup;
import io.vanrouter.transport.link.LinkSession;
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.netty.DnsResolvers;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.stream.ServiceConnector;
import io.vanrouter.transport.stream.StreamLimits;
import io.vanrouter.transport.tls.ClientTls;
import io.vanrouter.transport.tls.TlsException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * This router's connectors: opens a stream's server socket on the event loop it is asked for (the loop of the link
 * the stream came in on), so the relay needs no thread hop. The host is resolved at every connection attempt by the
 * non-blocking resolver on that loop, whose cache keeps an answer for its TTL: a server that moves to a new address is
 * found once the old answer expires. A host that does not resolve is logged at WARN once (INFO when it resolves
 * again); each new connection tries again. With several connectors for one address, the first configured is used.
 * A TLS connector's connection counts as made once its TLS handshake succeeded: the future it returns completes then,
 * or fails with the handshake's cause (logged here at WARN, with the server and why).
 *
 * <p>Any thread; the targets are replaced whole by a reload.
 */
final class TcpConnectors implements ServiceConnector {
    /** The connector learns the handshake's outcome from its future ({@link #handshaken}). */
    private static final TcpTlsHandler.Outcome NO_OUTCOME = new TcpTlsHandler.Outcome() {
        @Override
        public void handshaken(Channel channel) {
        }

        @Override
        public void failed(Channel channel, Throwable cause) {
        }
    };

    /**
     * Where one address's connections go; {@code unresolvable} is set while its host does not resolve; {@code tls}
     * is null for plain TCP.
     */
    private record Target(String host, int port, InetSocketAddress unresolved, AtomicBoolean unresolvable,
            ClientTls tls) {
    }

    private final String routerId;
    /** Replaced whole by a reload; read by event loops without a lock. */
    private volatile Map<String, Target> targets = Map.of();
    private final Bootstrap template;
    private final TcpCounters counters;
    private final ChannelGroup sockets;

    TcpConnectors(String routerId, List<TcpConnectorSettings> settings, Class<? extends Channel> socketType,
            AddressResolverGroup<InetSocketAddress> resolvers, TcpCounters counters, ChannelGroup sockets)
            throws TlsException {
        this.routerId = routerId;
        replace(settings);
        this.counters = counters;
        this.sockets = sockets;
        this.template = new Bootstrap()
                .channel(socketType)
                .resolver(resolvers)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.RCVBUF_ALLOCATOR, StreamLimits.socketReadAllocator())
                .option(ChannelOption.SO_RCVBUF, ApplicationSockets.RECEIVE_BUFFER_BYTES)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, StreamLimits.CONNECT_TIMEOUT_MILLIS);
    }

    /** Points each address at its connector of {@code settings}; streams already open keep their sockets. */
    void replace(List<TcpConnectorSettings> settings) throws TlsException {
        Map<String, Target> next = new HashMap<>();
        for (TcpConnectorSettings connector : settings) {
            if (next.containsKey(connector.address())) {
                continue;
            }
            // Unresolved on purpose: the bootstrap's resolver looks the host up per connection, on the event loop.
            next.put(connector.address(), new Target(connector.host(), connector.port(),
                    InetSocketAddress.createUnresolved(connector.host(), connector.port()), new AtomicBoolean(),
                    connector.tls() == null ? null : connector.tls().load()));
        }
        targets = Map.copyOf(next);
    }

    boolean has(String address) {
        return targets.containsKey(address);
    }

    @Override
    public ChannelFuture connect(String address, EventLoop loop, ChannelHandler handler) {
        Target target = targets.get(address);
        if (target == null) {
            return null;
        }
        // Made before connecting, so its handshake future exists when connect returns (JDK engine: no allocator use).
        SslHandler tls = target.tls() == null ? null
                : target.tls().newHandler(ByteBufAllocator.DEFAULT, target.host(), target.port());
        ChannelFuture connecting = template.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                sockets.add(channel);
                if (tls != null) {
                    channel.pipeline().addLast(HandlerNames.TLS, tls);
                    channel.pipeline().addLast(HandlerNames.TLS_OUTCOME, new TcpTlsHandler(NO_OUTCOME));
                }
                channel.pipeline().addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                channel.pipeline().addLast(HandlerNames.SOCKET_END, handler);
            }
        }).connect(target.unresolved());
        connecting.addListener(f -> logResolution(address, target, f.isSuccess() ? null : f.cause()));
        ChannelFuture connected = tls == null ? connecting : handshaken(address, target, connecting, tls);
        connected.addListener(f -> counters.connectorResult(address, f.isSuccess()));
        return connected;
    }

    /** Completes when the TLS handshake succeeded; fails with the connect's or the handshake's cause. */
    private ChannelFuture handshaken(String address, Target target, ChannelFuture connecting, SslHandler tls) {
        Channel channel = connecting.channel();
        ChannelPromise ready = channel.newPromise();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                ready.tryFailure(f.cause());
            }
        });
        tls.handshakeFuture().addListener(h -> {
            if (h.isSuccess()) {
                ready.trySuccess();
            } else if (connecting.isSuccess() && !ready.isDone()) {
                ready.tryFailure(handshakeFailed(address, target, channel, h.cause()));
            }
        });
        return ready;
    }

    /**
     * Logs a failed handshake and returns the stream's cause. A connection closed mid-handshake is INFO: the server
     * may have closed it, or the stream gave up first (its client left).
     */
    private SSLException handshakeFailed(String address, Target target, Channel channel, Throwable cause) {
        String why = TcpTlsFailures.server(cause, target.tls().serverName(target.host()));
        String server = target.host() + ":" + target.port();
        if (TcpTlsFailures.isClosed(cause)) {
            TcpListener.LOG.info("[{}] tcp connector for '{}': TLS handshake with server {} ({}) did not finish: {}",
                    routerId, address, server, LinkSession.format(channel.remoteAddress()), why);
        } else {
            counters.tlsFailed(address);
            TcpListener.LOG.warn("[{}] tcp connector for '{}': TLS handshake with server {} ({}) failed: {}",
                    routerId, address, server, LinkSession.format(channel.remoteAddress()), why);
        }
        return new SSLException("TLS handshake with " + server + " failed: " + why, cause);
    }

    /** WARN when the host stops resolving, INFO when it resolves again; other failures are the stream's to report. */
    private void logResolution(String address, Target target, Throwable cause) {
        if (cause != null && DnsResolvers.isResolveFailure(cause)) {
            if (target.unresolvable().compareAndSet(false, true)) {
                TcpListener.LOG.warn("[{}] tcp connector for '{}': cannot resolve host {}: {}; each new connection "
                        + "tries again", routerId, address, target.host(), Errors.describe(cause));
            }
        } else if (target.unresolvable().compareAndSet(true, false)) {
            TcpListener.LOG.info("[{}] tcp connector for '{}': host {} resolves again", routerId, address,
                    target.host());
        }
    }
}
