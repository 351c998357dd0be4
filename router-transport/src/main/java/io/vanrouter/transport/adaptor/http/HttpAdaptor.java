package io.vanrouter.transport.adaptor.http;

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
 * The HTTP adaptor of one router: HTTP/1.1 and HTTP/2 listeners and connectors and their counters. Uses the stream
 * plane: every request is one stream toward a connector site chosen through the {@link ConnectorDirectory}, so one
 * client connection spreads its requests over sites. Its addresses live in their own namespace ({@link #NAMESPACE}:
 * HTTP address {@code api} is advertised and opened as {@code http:api}), apart from TCP and UDP ones.
 *
 * <p>{@link #start} and {@link #close} on the caller's thread; views from any thread. Changes need a restart.
 */
public final class HttpAdaptor implements ProtocolAdaptor {
    /** Prefix of HTTP addresses in the address table and in STREAM_OPEN; TCP addresses may not start with it. */
    public static final String NAMESPACE = "http:";

    private final HttpSettings settings;
    /** Null: the address table of the context's routing view. */
    private final ConnectorDirectory fixedDirectory;
    private final HttpCounters counters = new HttpCounters();
    private final AdaptorListeners<HttpListener> listeners =
            new AdaptorListeners<>(HttpListener::localAddress, HttpListener::close);
    private volatile HttpConnectors connectors;
    private volatile boolean closed;

    /** Listeners find connectors in the address table, as the network advertises them. */
    public HttpAdaptor(HttpSettings settings) {
        this.settings = settings;
        this.fixedDirectory = null;
    }

    /** Listeners find connectors in {@code directory} (tests: a fixed map of stream addresses). */
    public HttpAdaptor(HttpSettings settings, ConnectorDirectory directory) {
        this.settings = settings;
        this.fixedDirectory = Objects.requireNonNull(directory, "directory");
    }

    /** The address an HTTP address has in the address table and on the wire. */
    public static String streamAddress(String address) {
        return NAMESPACE + address;
    }

    @Override
    public String name() {
        return "http";
    }

    /** Registers the connectors, advertises their addresses, then binds every listener (throws if one cannot). */
    @Override
    public void start(AdaptorContext context) throws IOException {
        HttpConnectors built = new HttpConnectors(context.routerId(), settings.connectors(),
                context.socketChannelType(), context.resolvers(), counters);
        connectors = built;
        if (closed) { // close() came before there were connectors to find: let go of them here
            built.close();
            throw new IOException("http adaptor closed while starting");
        }
        context.streams().adaptorConnector(NAMESPACE, connectors);
        for (HttpConnectorSettings connector : settings.connectors()) {
            HttpListener.LOG.info("[{}] http connector for '{}' to {}:{} ({})", context.routerId(),
                    connector.address(), connector.host(), connector.port(), connector.protocol().configName());
            context.consumers().submitAddConsumer(Address.plain(streamAddress(connector.address())));
        }
        ConnectorDirectory directory = fixedDirectory != null ? fixedDirectory
                : new AddressTableDirectory(context.routing());
        for (HttpListenerSettings listenerSettings : settings.listeners()) {
            HttpListener listener = new HttpListener(listenerSettings, context.streams(), directory, counters);
            listeners.add(listener); // before bind: close() must find a half-started one
            listener.bind(context.eventLoops(), context.serverChannelType());
        }
    }

    /** Bound addresses of the listeners, in configuration order (useful with port 0). */
    public List<InetSocketAddress> listenerAddresses() {
        return listeners.addresses();
    }

    public HttpCounters counters() {
        return counters;
    }

    /** Stops accepting and closes idle server connections; live requests are reset by the stream router. */
    @Override
    public void close() {
        closed = true; // before looking at the connectors, which start() looks at this after making them
        listeners.closeAll();
        HttpConnectors built = connectors;
        if (built != null) {
            built.close();
        }
    }
}
