package io.vanrouter.transport.adaptor.udp;

import io.vanrouter.core.address.Address;
import io.vanrouter.transport.adaptor.AdaptorContext;
import io.vanrouter.transport.adaptor.AdaptorListeners;
import io.vanrouter.transport.adaptor.ProtocolAdaptor;
import io.vanrouter.transport.adaptor.tcp.AddressTableDirectory;
import io.vanrouter.transport.adaptor.tcp.ConnectorDirectory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * The UDP adaptor of one router: its listeners and connectors and their counters. Uses the stream plane: each
 * client of a listener is a datagram flow, one stream toward a connector chosen through the
 * {@link ConnectorDirectory}. Its addresses live in their own namespace ({@link #NAMESPACE}: UDP address {@code dns}
 * is advertised and opened as {@code udp:dns}), so a UDP and a TCP service may share a name without meeting.
 *
 * <p>{@link #start} and {@link #close} on the caller's thread; views from any thread. Changes need a restart.
 */
public final class UdpAdaptor implements ProtocolAdaptor {
    /** Prefix of UDP addresses in the address table and in STREAM_OPEN; TCP addresses may not start with it. */
    public static final String NAMESPACE = "udp:";

    private final UdpSettings settings;
    /** Null: the address table of the context's routing view. */
    private final ConnectorDirectory fixedDirectory;
    private final UdpCounters counters = new UdpCounters();
    private final AdaptorListeners<UdpListener> listeners =
            new AdaptorListeners<>(UdpListener::localAddress, UdpListener::close);

    /** Listeners find connectors in the address table, as the network advertises them. */
    public UdpAdaptor(UdpSettings settings) {
        this.settings = settings;
        this.fixedDirectory = null;
    }

    /** Listeners find connectors in {@code directory} (tests: a fixed map of stream addresses). */
    public UdpAdaptor(UdpSettings settings, ConnectorDirectory directory) {
        this.settings = settings;
        this.fixedDirectory = Objects.requireNonNull(directory, "directory");
    }

    /** The address a UDP address has in the address table and on the wire. */
    public static String streamAddress(String address) {
        return NAMESPACE + address;
    }

    @Override
    public String name() {
        return "udp";
    }

    /** Registers the connectors, advertises their addresses, then binds every listener (throws if one cannot). */
    @Override
    public void start(AdaptorContext context) throws IOException {
        context.streams().datagramConnector(NAMESPACE, new UdpConnectors(context.routerId(), settings.connectors(),
                context.datagramChannelType(), context.resolvers(), counters));
        for (UdpConnectorSettings connector : settings.connectors()) {
            UdpListener.LOG.info("[{}] udp connector for '{}' to {}:{}", context.routerId(), connector.address(),
                    connector.host(), connector.port());
            context.consumers().submitAddConsumer(Address.plain(streamAddress(connector.address())));
        }
        ConnectorDirectory directory = fixedDirectory != null ? fixedDirectory
                : new AddressTableDirectory(context.routing());
        for (UdpListenerSettings listenerSettings : settings.listeners()) {
            UdpListener listener = new UdpListener(listenerSettings, context.streams(), directory, counters,
                    settings.flowIdleTimeoutMillis());
            listeners.add(listener); // before bind: close() must find a half-started one
            listener.bind(context.eventLoops(), context.datagramChannelType());
        }
    }

    /** Bound addresses of the listeners, in configuration order (useful with port 0). */
    public List<InetSocketAddress> listenerAddresses() {
        return listeners.addresses();
    }

    public UdpCounters counters() {
        return counters;
    }

    /** Stops receiving; live flows are reset by the stream router (their clients just hear nothing more). */
    @Override
    public void close() {
        listeners.closeAll();
    }
}
