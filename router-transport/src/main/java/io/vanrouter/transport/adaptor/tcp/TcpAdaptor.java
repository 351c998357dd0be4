package io.vanrouter.transport.adaptor.tcp;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.transport.stream.StreamRouter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP adaptor of one router: its listeners and connectors, their counters and their sockets. Built and started
 * by {@code TransportServer}.
 *
 * <p>{@link #start} and {@link #close} on the caller's thread; views from any thread.
 */
public final class TcpAdaptor {
    private final List<TcpListenerSettings> listenerSettings;
    private final List<TcpConnectorSettings> connectorSettings;
    private final ConnectorDirectory directory;
    private final StreamRouter router;
    private final TcpCounters counters = new TcpCounters();
    private final ChannelGroup sockets = new DefaultChannelGroup("tcp", GlobalEventExecutor.INSTANCE);
    private final List<TcpListener> listeners = new ArrayList<>();

    public TcpAdaptor(List<TcpListenerSettings> listeners, List<TcpConnectorSettings> connectors,
            ConnectorDirectory directory, StreamRouter router) {
        this.listenerSettings = List.copyOf(listeners);
        this.connectorSettings = List.copyOf(connectors);
        this.directory = directory;
        this.router = router;
    }

    /**
     * Registers the connectors with the stream router, then binds every listener (throws if one cannot bind).
     * Connector hosts are resolved by {@code resolvers} at every connection attempt, never here.
     */
    public void start(EventLoopGroup group, Class<? extends ServerChannel> serverType,
            Class<? extends Channel> socketType, AddressResolverGroup<InetSocketAddress> resolvers)
            throws IOException {
        router.connectors(new TcpConnectors(router.routerId(), connectorSettings, socketType, resolvers, counters,
                sockets));
        for (TcpConnectorSettings connector : connectorSettings) {
            TcpListener.LOG.info("[{}] tcp connector for '{}' to {}:{}", router.routerId(), connector.address(),
                    connector.host(), connector.port());
        }
        for (TcpListenerSettings settings : listenerSettings) {
            TcpListener listener = new TcpListener(settings, router, directory, counters, sockets);
            listener.bind(group, serverType);
            synchronized (listeners) {
                listeners.add(listener);
            }
        }
    }

    /** Bound addresses of the listeners, in configuration order (useful with port 0). */
    public List<InetSocketAddress> listenerAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        synchronized (listeners) {
            for (TcpListener listener : listeners) {
                addresses.add(listener.localAddress());
            }
        }
        return addresses;
    }

    public TcpCounters counters() {
        return counters;
    }

    /** Open TCP sockets of listeners and connectors (clients and servers). */
    public int openSockets() {
        return sockets.size();
    }

    /** Stops accepting; live streams are reset by the stream router, their sockets closed with RST. */
    public void close() {
        synchronized (listeners) {
            listeners.forEach(TcpListener::close);
        }
    }
}
