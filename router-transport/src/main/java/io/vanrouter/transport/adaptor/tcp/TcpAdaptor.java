package io.vanrouter.transport.adaptor.tcp;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.core.address.Address;
import io.vanrouter.transport.adaptor.AdaptorContext;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import io.vanrouter.transport.stream.StreamRouter;
import io.vanrouter.transport.tls.ServerTls;
import io.vanrouter.transport.tls.TlsException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The TCP adaptor of one router: its listeners and connectors, their counters and their sockets. Uses the stream
 * plane only: a listener turns each client into a stream toward a connector chosen through its
 * {@link ConnectorDirectory}; connectors are registered with the {@link StreamRouter} and advertised to the network
 * as local consumers of their address.
 *
 * <p>{@link #start} and {@link #close} on the caller's thread; views from any thread.
 */
public final class TcpAdaptor implements ProtocolAdaptor {
    private final TcpSettings settings;
    /** Null: the address table of the context's routing view. */
    private final ConnectorDirectory fixedDirectory;
    private final TcpCounters counters = new TcpCounters();
    private final ChannelGroup sockets = new DefaultChannelGroup("tcp", GlobalEventExecutor.INSTANCE);
    private final List<TcpListener> listeners = new ArrayList<>();

    /** Listeners find connectors in the address table, as the network advertises them. */
    public TcpAdaptor(TcpSettings settings) {
        this.settings = settings;
        this.fixedDirectory = null;
    }

    /** Listeners find connectors in {@code directory} (tests: a fixed map). */
    public TcpAdaptor(TcpSettings settings, ConnectorDirectory directory) {
        this.settings = settings;
        this.fixedDirectory = Objects.requireNonNull(directory, "directory");
    }

    @Override
    public String name() {
        return "tcp";
    }

    /**
     * Registers the connectors with the stream router and advertises their addresses, then binds every listener
     * (throws if one cannot bind). Connector hosts are resolved by the context's resolver at every connection attempt,
     * never here.
     */
    @Override
    public void start(AdaptorContext context) throws IOException {
        StreamRouter router = context.streams();
        try {
            router.connectors(new TcpConnectors(context.routerId(), settings.connectors(),
                    context.socketChannelType(), context.resolvers(), counters, sockets));
        } catch (TlsException e) {
            throw new IOException("cannot start the tcp connectors: " + e.getMessage(), e);
        }
        for (TcpConnectorSettings connector : settings.connectors()) {
            TcpListener.LOG.info("[{}] tcp connector for '{}' to {}:{}{}", context.routerId(), connector.address(),
                    connector.host(), connector.port(), describe(connector.tls(), connector.host()));
            context.consumers().submitAddConsumer(Address.plain(connector.address()));
        }
        ConnectorDirectory directory = fixedDirectory != null ? fixedDirectory
                : new AddressTableDirectory(context.routing());
        for (TcpListenerSettings listenerSettings : settings.listeners()) {
            TcpListener listener = new TcpListener(listenerSettings, router, directory, counters, sockets,
                    serverTls(listenerSettings));
            listener.bind(context.eventLoops(), context.serverChannelType());
            synchronized (listeners) {
                listeners.add(listener);
            }
        }
    }

    private static ServerTls serverTls(TcpListenerSettings listener) throws IOException {
        try {
            return listener.tls() == null ? null : listener.tls().load();
        } catch (TlsException e) {
            throw new IOException("cannot start the tcp listener for '" + listener.address() + "': " + e.getMessage(),
                    e);
        }
    }

    /** E.g. " over TLS (server name db.example.net, CA file ca.crt, host name checked)"; "" for plain TCP. */
    private static String describe(TcpConnectorSettings.Tls tls, String host) {
        if (tls == null) {
            return "";
        }
        return " over TLS (server name " + (tls.serverName() == null ? host : tls.serverName()) + ", "
                + (tls.ca() == null ? "default trust store" : "CA file " + tls.ca())
                + (tls.verifyHostname() ? ", host name checked" : ", host name NOT checked")
                + (tls.cert() == null ? "" : ", client certificate " + tls.cert()) + ")";
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
    @Override
    public void close() {
        synchronized (listeners) {
            listeners.forEach(TcpListener::close);
        }
    }
}
