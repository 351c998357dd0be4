package io.vanrouter.transport.adaptor.http;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.vanrouter.transport.stream.AdaptorConnector;
import io.vanrouter.transport.stream.AdaptorEnd;
import io.vanrouter.transport.stream.AdaptorSink;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This router's HTTP connectors: each request that reaches it for one of their addresses becomes a request to the
 * connector's server, on an HTTP/2 connection ({@link Http2ServerPool}, one per event loop) or a pooled HTTP/1.1
 * connection ({@link Http1ServerPool}), always on the request stream's own loop so nothing hops threads.
 *
 * <p>Immutable after construction; {@link #open} on the stream's loop.
 */
final class HttpConnectors implements AdaptorConnector {

    /** How requests reach one connector's server. */
    interface ServerPool {
        /** A sink for {@code end}'s request on {@code loop}, once a connection (and HTTP/2 stream) is ready. */
        Future<AdaptorSink> open(EventLoop loop, AdaptorEnd end);

        void close();
    }

    private final Map<String, ServerPool> byStreamAddress = new HashMap<>();
    private final Map<String, String> addresses = new HashMap<>();
    private final HttpCounters counters;

    HttpConnectors(String routerId, List<HttpConnectorSettings> connectors,
            Class<? extends SocketChannel> channelType, AddressResolverGroup<InetSocketAddress> resolvers,
            HttpCounters counters) {
        this.counters = counters;
        for (HttpConnectorSettings connector : connectors) {
            String streamAddress = HttpAdaptor.streamAddress(connector.address());
            if (byStreamAddress.containsKey(streamAddress)) {
                continue; // one connector per address per router: the first configured wins
            }
            addresses.put(streamAddress, connector.address());
            byStreamAddress.put(streamAddress, connector.protocol() == HttpProtocol.HTTP2
                    ? new Http2ServerPool(routerId, connector, channelType, resolvers)
                    : new Http1ServerPool(routerId, connector, channelType, resolvers));
        }
    }

    @Override
    public Future<AdaptorSink> open(String address, EventLoop loop, AdaptorEnd end) {
        ServerPool pool = byStreamAddress.get(address);
        if (pool == null) {
            return null;
        }
        counters.servedOne(addresses.get(address));
        return pool.open(loop, end);
    }

    void close() {
        byStreamAddress.values().forEach(ServerPool::close);
    }
}
