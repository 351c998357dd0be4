package io.vanrouter.transport.adaptor.tcp;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vanrouter.core.address.Address;
import io.vanrouter.transport.adaptor.AdaptorContext;
import io.vanrouter.transport.adaptor.AdaptorListeners;
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
    private volatile TcpSettings settings;
    private volatile AdaptorContext context;
    private volatile ConnectorDirectory directory;
    private volatile TcpConnectors connectors;
    /** Null: the address table of the context's routing view. */
    private final ConnectorDirectory fixedDirectory;
    private final TcpCounters counters = new TcpCounters();
    private final ChannelGroup sockets = new DefaultChannelGroup("tcp", GlobalEventExecutor.INSTANCE);
    private final AdaptorListeners<TcpListener> listeners =
            new AdaptorListeners<>(TcpListener::localAddress, TcpListener::close);

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
        this.context = context;
        StreamRouter router = context.streams();
        try {
            connectors = new TcpConnectors(context.routerId(), settings.connectors(), context.socketChannelType(),
                    context.resolvers(), counters, sockets);
        } catch (TlsException e) {
            throw new IOException("cannot start the tcp connectors: " + e.getMessage(), e);
        }
        router.connectors(connectors);
        for (TcpConnectorSettings connector : settings.connectors()) {
            advertise(connector);
        }
        directory = fixedDirectory != null ? fixedDirectory : new AddressTableDirectory(context.routing());
        for (TcpListenerSettings listenerSettings : settings.listeners()) {
            TcpListener listener = listener(listenerSettings);
            listeners.add(listener); // before bind: close() must find a half-started one
            listener.bind(context.eventLoops(), context.serverChannelType());
        }
    }

    private void advertise(TcpConnectorSettings connector) {
        TcpListener.LOG.info("[{}] tcp connector for '{}' to {}:{}{}", context.routerId(), connector.address(),
                connector.host(), connector.port(), describe(connector.tls(), connector.host()));
        context.consumers().submitAddConsumer(Address.plain(connector.address()));
    }

    private TcpListener listener(TcpListenerSettings listenerSettings) throws IOException {
        return new TcpListener(listenerSettings, context.streams(), directory, counters, sockets,
                serverTls(listenerSettings));
    }

    private TcpListener bind(TcpListenerSettings listenerSettings) throws IOException {
        TcpListener listener = listener(listenerSettings);
        listener.bind(context.eventLoops(), context.serverChannelType());
        return listener;
    }

    /**
     * Binds the listeners of a reloaded {@code tcp:} section that are new or changed (a changed one on the same port
     * is closed first) and returns the change to {@link Changes#apply apply} or {@link Changes#abandon abandon};
     * listeners and connectors the reload does not change are left alone, and so are the streams of those it removes.
     * Throws, having closed what it bound, when a listener cannot bind. Caller thread (one reload at a time).
     */
    public Changes prepare(TcpSettings next) throws IOException {
        try {
            for (TcpConnectorSettings connector : next.connectors()) {
                if (connector.tls() != null) {
                    connector.tls().load(); // a connector's TLS files that cannot be used reject the reload here
                }
            }
        } catch (TlsException e) {
            throw new IOException("cannot use the tcp connector TLS files: " + e.getMessage(), e);
        }
        if (context == null) {
            throw new IllegalStateException("tcp adaptor not started");
        }
        List<TcpListener> current = listeners.snapshot();
        List<TcpListener> removed = current.stream().filter(l -> !next.listeners().contains(l.settings)).toList();
        List<TcpListenerSettings> kept = current.stream().map(l -> l.settings).toList();
        List<TcpListener> added = new ArrayList<>();
        try {
            for (TcpListenerSettings listenerSettings : next.listeners()) {
                if (kept.contains(listenerSettings)) {
                    continue;
                }
                for (TcpListener old : removed) {
                    if (old.settings.port() != 0 && old.settings.port() == listenerSettings.port()
                            && old.settings.host().equals(listenerSettings.host())) {
                        old.close(); // the same port, other settings: it must let go of the port first
                    }
                }
                added.add(bind(listenerSettings));
            }
        } catch (IOException e) {
            added.forEach(TcpListener::close);
            throw e;
        }
        return new Changes(next, removed, added);
    }

    /** What a reload changes in this adaptor; see {@link #prepare}. */
    public final class Changes {
        private final TcpSettings next;
        private final List<TcpListener> removed;
        private final List<TcpListener> added;

        private Changes(TcpSettings next, List<TcpListener> removed, List<TcpListener> added) {
            this.next = next;
            this.removed = removed;
            this.added = added;
        }

        public void abandon() {
            added.forEach(TcpListener::close);
        }

        /** One line for the log. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            removed.forEach(l -> parts.add("close tcp listener '" + l.settings.address() + "' on "
                    + l.settings.host() + ":" + l.settings.port()));
            added.forEach(l -> parts.add("tcp listener '" + l.settings.address() + "' on " + l.localAddress()));
            List<TcpConnectorSettings> before = settings.connectors();
            next.connectors().stream().filter(c -> !before.contains(c))
                    .forEach(c -> parts.add("tcp connector '" + c.address() + "' to " + c.host() + ":" + c.port()));
            before.stream().filter(c -> next.connectors().stream().noneMatch(n -> n.address().equals(c.address())))
                    .forEach(c -> parts.add("remove tcp connector '" + c.address() + "'"));
            return parts.isEmpty() ? "no tcp changes" : String.join(", ", parts);
        }

        public void apply() {
            removed.forEach(TcpListener::close);
            listeners.replace(removed, added);
            TcpSettings before = settings;
            settings = next;
            try {
                connectors.replace(next.connectors());
            } catch (TlsException e) {
                // checked in prepare(); files replaced since then keep the old targets
                TcpListener.LOG.warn("[{}] tcp connectors kept as they were: {}", context.routerId(), e.getMessage());
            }
            List<String> nextAddresses = next.connectors().stream().map(TcpConnectorSettings::address).toList();
            List<String> beforeAddresses = before.connectors().stream().map(TcpConnectorSettings::address).toList();
            for (TcpConnectorSettings connector : next.connectors()) {
                if (!beforeAddresses.contains(connector.address())) {
                    advertise(connector);
                }
            }
            for (String address : beforeAddresses) {
                if (!nextAddresses.contains(address)) {
                    TcpListener.LOG.info("[{}] tcp connector for '{}' removed", context.routerId(), address);
                    context.consumers().submitRemoveConsumer(Address.plain(address));
                }
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
        return listeners.addresses();
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
        listeners.closeAll();
    }
}
