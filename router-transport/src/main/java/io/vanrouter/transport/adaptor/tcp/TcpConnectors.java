package io.vanrouter.transport.adaptor.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.resolver.AddressResolverGroup;
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.netty.DnsResolvers;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.stream.ServiceConnector;
import io.vanrouter.transport.stream.StreamLimits;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This router's connectors: opens a stream's server socket on the event loop it is asked for (the loop of the link
 * the stream came in on), so the relay needs no thread hop. The host is resolved at every connection attempt by the
 * non-blocking resolver on that loop, whose cache keeps an answer for its TTL: a server that moves to a new address is
 * found once the old answer expires. A host that does not resolve is logged at WARN once (INFO when it resolves
 * again); each new connection tries again. With several connectors for one address, the first configured is used.
 *
 * <p>Any thread; the targets are replaced whole by a reload.
 */
final class TcpConnectors implements ServiceConnector {
    /** Where one address's connections go; {@code unresolvable} is set while its host does not resolve. */
    private record Target(String host, int port, InetSocketAddress unresolved, AtomicBoolean unresolvable) {
    }

    private final String routerId;
    /** Replaced whole by a reload; read by event loops without a lock. */
    private volatile Map<String, Target> targets = Map.of();
    private final Bootstrap template;
    private final TcpCounters counters;
    private final ChannelGroup sockets;

    TcpConnectors(String routerId, List<TcpConnectorSettings> settings, Class<? extends Channel> socketType,
            AddressResolverGroup<InetSocketAddress> resolvers, TcpCounters counters, ChannelGroup sockets) {
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
    void replace(List<TcpConnectorSettings> settings) {
        Map<String, Target> next = new HashMap<>();
        for (TcpConnectorSettings connector : settings) {
            // Unresolved on purpose: the bootstrap's resolver looks the host up per connection, on the event loop.
            next.putIfAbsent(connector.address(), new Target(connector.host(), connector.port(),
                    InetSocketAddress.createUnresolved(connector.host(), connector.port()), new AtomicBoolean()));
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
        ChannelFuture future = template.clone(loop).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                sockets.add(channel);
                channel.pipeline().addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                channel.pipeline().addLast(HandlerNames.SOCKET_END, handler);
            }
        }).connect(target.unresolved());
        future.addListener(f -> {
            counters.connectorResult(address, f.isSuccess());
            logResolution(address, target, f.isSuccess() ? null : f.cause());
        });
        return future;
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
