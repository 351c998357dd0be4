package io.vanrouter.transport.adaptor.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.vanrouter.transport.stream.DatagramConnector;
import io.vanrouter.transport.stream.DatagramEnd;
import io.vanrouter.transport.stream.DatagramSink;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This router's UDP connectors: for each flow that reaches it, a socket connected to the connector's server on the
 * flow's loop (the host is resolved per flow, by the non-blocking resolver).
 *
 * <p>Immutable after construction; {@link #open} on the flow's loop.
 */
final class UdpConnectors implements DatagramConnector {
    private final String routerId;
    private final Map<String, UdpConnectorSettings> byStreamAddress = new HashMap<>();
    private final Class<? extends DatagramChannel> channelType;
    private final AddressResolverGroup<InetSocketAddress> resolvers;
    private final UdpCounters counters;

    UdpConnectors(String routerId, List<UdpConnectorSettings> connectors, Class<? extends DatagramChannel> channelType,
            AddressResolverGroup<InetSocketAddress> resolvers, UdpCounters counters) {
        this.routerId = routerId;
        for (UdpConnectorSettings connector : connectors) {
            byStreamAddress.putIfAbsent(UdpAdaptor.streamAddress(connector.address()), connector);
        }
        this.channelType = channelType;
        this.resolvers = resolvers;
        this.counters = counters;
    }

    @Override
    public Future<DatagramSink> open(String address, EventLoop loop, DatagramEnd flow) {
        UdpConnectorSettings settings = byStreamAddress.get(address);
        if (settings == null) {
            return null;
        }
        ServerFlow server = new ServerFlow(routerId, settings, counters, flow);
        Promise<DatagramSink> promise = loop.newPromise();
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .resolver(resolvers)
                .option(ChannelOption.RCVBUF_ALLOCATOR, Datagrams.readAllocator())
                .handler(server)
                .connect(settings.host(), settings.port());
        connect.addListener(f -> {
            if (f.isSuccess()) {
                server.attach(connect.channel());
                counters.flowServed(settings.address());
                promise.setSuccess(server);
            } else {
                connect.channel().close();
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }
}
