package io.vanrouter.daemon.config;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.daemon.flowlog.FlowLogSettings;
import io.vanrouter.daemon.logging.LoggingSettings;
import io.vanrouter.daemon.security.TlsSettings;
import io.vanrouter.transport.Endpoint;
import io.vanrouter.transport.RouterMode;
import io.vanrouter.transport.TransportServer;
import io.vanrouter.transport.stream.StreamLimits;
import io.vanrouter.transport.TransportSettings;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import io.vanrouter.transport.adaptor.tcp.TcpSettings;
import io.vanrouter.transport.adaptor.mqtt.MqttSettings;
import io.vanrouter.transport.adaptor.http.HttpSettings;
import io.vanrouter.transport.adaptor.amqp.AmqpSettings;
import io.vanrouter.transport.adaptor.udp.UdpSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * A validated router configuration, as loaded from YAML by {@code ConfigLoader}. Every field has passed validation;
 * defaults are filled in.
 *
 * @param source     the file it came from (null when built in code)
 * @param routerId   {@code router.id}
 * @param mode       {@code router.mode}
 * @param network    {@code router.network}
 * @param listen     {@code listen[]}
 * @param peers      {@code peers[]}
 * @param management {@code management}
 * @param routing    {@code routing}
 * @param addressRules {@code addresses}: distribution rules by prefix or pattern
 * @param mqtt       {@code mqtt}: the MQTT listener, or null
 * @param tcpListeners  {@code tcp.listeners}
 * @param tcpConnectors {@code tcp.connectors}
 * @param tls        {@code tls}: this router's TLS files or {@code insecure: true}; null when the section is absent
 *                   (links are plain either way until TLS is wired into the transport)
 * @param logging    {@code logging}: log format and levels per logger (the default when absent)
 * @param flowLog    {@code flowLog}: where flow records go; null when the flow log is off
 * @param udp        {@code udp}: the UDP adaptor's listeners and connectors (none when absent)
 * @param http       {@code http}: the HTTP adaptor's listeners and connectors (none when absent)
 * @param amqp       {@code amqp}: the AMQP 1.0 listener, or null
 */
public record RouterConfig(
        Path source,
        String routerId,
        RouterMode mode,
        String network,
        List<Endpoint> listen,
        List<Endpoint> peers,
        ManagementConfig management,
        RoutingConfig routing,
        AddressRules addressRules,
        MqttConfig mqtt,
        List<TcpListenerSettings> tcpListeners,
        List<TcpConnectorSettings> tcpConnectors,
        TlsSettings tls,
        LoggingSettings logging,
        FlowLogSettings flowLog,
        UdpSettings udp,
        HttpSettings http,
        AmqpSettings amqp) {

    public RouterConfig {
        udp = udp == null ? UdpSettings.NONE : udp;
        http = http == null ? HttpSettings.NONE : http;
        logging = logging == null ? LoggingSettings.DEFAULT : logging;
        listen = List.copyOf(listen);
        peers = List.copyOf(peers);
        addressRules = addressRules == null ? AddressRules.none() : addressRules;
        tcpListeners = List.copyOf(tcpListeners);
        tcpConnectors = List.copyOf(tcpConnectors);
    }

    /** A configuration without {@code http} and {@code amqp} sections. */
    public RouterConfig(Path source, String routerId, RouterMode mode, String network, List<Endpoint> listen,
            List<Endpoint> peers, ManagementConfig management, RoutingConfig routing, AddressRules addressRules,
            MqttConfig mqtt, List<TcpListenerSettings> tcpListeners, List<TcpConnectorSettings> tcpConnectors,
            TlsSettings tls, LoggingSettings logging, FlowLogSettings flowLog, UdpSettings udp) {
        this(source, routerId, mode, network, listen, peers, management, routing, addressRules, mqtt, tcpListeners,
                tcpConnectors, tls, logging, flowLog, udp, null, null);
    }

    /** A configuration without a {@code udp} section. */
    public RouterConfig(Path source, String routerId, RouterMode mode, String network, List<Endpoint> listen,
            List<Endpoint> peers, ManagementConfig management, RoutingConfig routing, AddressRules addressRules,
            MqttConfig mqtt, List<TcpListenerSettings> tcpListeners, List<TcpConnectorSettings> tcpConnectors,
            TlsSettings tls, LoggingSettings logging, FlowLogSettings flowLog) {
        this(source, routerId, mode, network, listen, peers, management, routing, addressRules, mqtt, tcpListeners,
                tcpConnectors, tls, logging, flowLog, (UdpSettings) null);
    }

    /** A configuration without {@code logging} and {@code flowLog} sections. */
    public RouterConfig(Path source, String routerId, RouterMode mode, String network, List<Endpoint> listen,
            List<Endpoint> peers, ManagementConfig management, RoutingConfig routing, AddressRules addressRules,
            MqttConfig mqtt, List<TcpListenerSettings> tcpListeners, List<TcpConnectorSettings> tcpConnectors,
            TlsSettings tls) {
        this(source, routerId, mode, network, listen, peers, management, routing, addressRules, mqtt, tcpListeners,
                tcpConnectors, tls, null, null);
    }

    /** A configuration without a {@code tls} section. */
    public RouterConfig(Path source, String routerId, RouterMode mode, String network, List<Endpoint> listen,
            List<Endpoint> peers, ManagementConfig management, RoutingConfig routing, AddressRules addressRules,
            MqttConfig mqtt, List<TcpListenerSettings> tcpListeners, List<TcpConnectorSettings> tcpConnectors) {
        this(source, routerId, mode, network, listen, peers, management, routing, addressRules, mqtt, tcpListeners,
                tcpConnectors, null);
    }

    /** A configuration without address rules or TCP adaptor. */
    public RouterConfig(Path source, String routerId, RouterMode mode, String network, List<Endpoint> listen,
            List<Endpoint> peers, ManagementConfig management, RoutingConfig routing) {
        this(source, routerId, mode, network, listen, peers, management, routing, AddressRules.none(), null,
                List.of(), List.of());
    }

    /** A configuration without an MQTT listener or TCP adaptor. */
    public RouterConfig(Path source, String routerId, RouterMode mode, String network, List<Endpoint> listen,
            List<Endpoint> peers, ManagementConfig management, RoutingConfig routing, AddressRules addressRules) {
        this(source, routerId, mode, network, listen, peers, management, routing, addressRules, null, List.of(),
                List.of());
    }

    /** {@code mqtt:} the MQTT listener, or null when there is none. */
    /** @param tls TLS for every client (null: plain MQTT) */
    /** @param users the users file (null: no user names or passwords asked) */
    public record MqttConfig(String host, int port, int maxMessageBytes, Tls tls, Path users) {
        public MqttConfig(String host, int port, int maxMessageBytes) {
            this(host, port, maxMessageBytes, null, null);
        }

        /** @param clientCa the CA whose client certificates are required; null: none asked */
        public record Tls(Path cert, Path key, Path clientCa) {
        }

        public MqttSettings settings() {
            return new MqttSettings(host, port, maxMessageBytes, MqttSettings.RECEIVE_MAXIMUM_DEFAULT,
                    MqttSettings.CONNECT_TIMEOUT_MILLIS_DEFAULT);
        }
    }

    /**
     * {@code management:}; {@code enabled: false} turns the endpoint off.
     *
     * @param tokenFile the bearer token every request must carry (required off loopback); null for none
     */
    public record ManagementConfig(boolean enabled, String host, int port, Path tokenFile) {
        public static final String HOST_DEFAULT = "127.0.0.1";
        public static final int PORT_DEFAULT = 9191;

        public ManagementConfig(boolean enabled, String host, int port) {
            this(enabled, host, port, null);
        }
    }

    /** {@code routing:} timers and limits, all in milliseconds or bytes. */
    public record RoutingConfig(
            long helloIntervalMillis,
            long deadIntervalMillis,
            long linkStateRefreshMillis,
            long linkStateMaxAgeMillis,
            long handshakeTimeoutMillis,
            long reconnectInitialMillis,
            long reconnectMaxMillis,
            int maxFrameBytes,
            int dataConnections,
            int ioThreads,
            long spliceAfterBytes,
            long spliceAfterReads) {

        /** Every setting at its default: what an empty {@code routing:} section means. */
        public static RoutingConfig defaults() {
            return new RoutingConfig(CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT,
                    CoreSettings.DEAD_INTERVAL_MILLIS_DEFAULT, CoreSettings.LINK_STATE_REFRESH_MILLIS_DEFAULT,
                    CoreSettings.LINK_STATE_MAX_AGE_MILLIS_DEFAULT, TransportSettings.HANDSHAKE_TIMEOUT_MILLIS_DEFAULT,
                    TransportSettings.RECONNECT_INITIAL_MILLIS_DEFAULT, TransportSettings.RECONNECT_MAX_MILLIS_DEFAULT,
                    TransportSettings.MAX_FRAME_BYTES_DEFAULT, TransportServer.DATA_CONNECTIONS_DEFAULT,
                    TransportServer.IO_THREADS_DEFAULT, StreamLimits.SPLICE_AFTER_BYTES_DEFAULT,
                    StreamLimits.SPLICE_AFTER_READS_DEFAULT);
        }

        /**
         * These link timers (hello, dead, link-state refresh and maximum age, handshake timeout, reconnect backoff),
         * every other setting as here.
         */
        public RoutingConfig withTimers(long hello, long dead, long refresh, long maxAge, long handshake,
                long reconnectInitial, long reconnectMax) {
            return new RoutingConfig(hello, dead, refresh, maxAge, handshake, reconnectInitial, reconnectMax,
                    maxFrameBytes, dataConnections, ioThreads, spliceAfterBytes, spliceAfterReads);
        }
    }

    public CoreSettings coreSettings(long instance) {
        return new CoreSettings(routerId, instance, routing.helloIntervalMillis(), routing.deadIntervalMillis(),
                routing.linkStateRefreshMillis(), routing.linkStateMaxAgeMillis(), mode == RouterMode.EDGE);
    }

    public TransportSettings transportSettings(long instance) {
        return new TransportSettings(routerId, instance, network, mode, listen, peers,
                routing.handshakeTimeoutMillis(), routing.maxFrameBytes(), routing.reconnectInitialMillis(),
                routing.reconnectMaxMillis());
    }

    /** {@code tcp:} the TCP adaptor's listeners and connectors. */
    public TcpSettings tcpSettings() {
        return new TcpSettings(tcpListeners, tcpConnectors);
    }
}
