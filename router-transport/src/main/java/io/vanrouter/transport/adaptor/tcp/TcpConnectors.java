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
import io.vanrouter.transport.netty.ApplicationSockets;
import io.vanrouter.transport.netty.HandlerNames;
import io.vanrouter.transport.stream.ServiceConnector;
import io.vanrouter.transport.stream.StreamLimits;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This router's connectors: opens a stream's server socket on the event loop it is asked for (the loop of the link
 * the stream came in on), so the relay needs no thread hop. Hosts are resolved once, when the router starts, never on
 * an event loop. With several connectors for one address, the first configured is used.
 *
 * <p>Immutable after construction; any thread.
 */
final class TcpConnectors implements ServiceConnector {
    private final Map<String, InetSocketAddress> targets = new HashMap<>();
    private final Bootstrap template;
    private final TcpCounters counters;
    private final ChannelGroup sockets;

    TcpConnectors(List<TcpConnectorSettings> settings, Class<? extends Channel> socketType, TcpCounters counters,
            ChannelGroup sockets) {
        for (TcpConnectorSettings connector : settings) {
            targets.putIfAbsent(connector.address(), new InetSocketAddress(connector.host(), connector.port()));
        }
        this.counters = counters;
        this.sockets = sockets;
        this.template = new Bootstrap()
                .channel(socketType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.RCVBUF_ALLOCATOR, StreamLimits.socketReadAllocator())
                .option(ChannelOption.SO_RCVBUF, ApplicationSockets.RECEIVE_BUFFER_BYTES)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, StreamLimits.CONNECT_TIMEOUT_MILLIS);
    }

    boolean has(String address) {
        return targets.containsKey(address);
    }

    @Override
    public ChannelFuture connect(String address, EventLoop loop, ChannelHandler handler) {
        InetSocketAddress target = targets.get(address);
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
        }).connect(target);
        future.addListener(f -> counters.connectorResult(address, f.isSuccess()));
        return future;
    }
}
