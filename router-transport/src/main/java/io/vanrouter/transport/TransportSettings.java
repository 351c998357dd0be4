package io.vanrouter.transport;

import java.util.List;
import java.util.Objects;

/**
 * Validated settings of the inter-router transport. Protocol adaptors carry their own settings.
 *
 * @param routerId               this router's id (sent in the handshake)
 * @param instance               this process's boot id (sent in the handshake)
 * @param network                network name; links between different networks are refused
 * @param mode                   interior or edge
 * @param listen                 inter-router listeners
 * @param peers                  routers this one dials, forever, with backoff
 * @param handshakeTimeoutMillis a connection that has not completed its handshake in this time is closed
 * @param maxFrameBytes          largest frame accepted; a larger one closes the link
 * @param reconnectInitialMillis first reconnect delay after a failed or lost outgoing link
 * @param reconnectMaxMillis     cap of the exponential reconnect backoff
 */
public record TransportSettings(
        String routerId,
        long instance,
        String network,
        RouterMode mode,
        List<Endpoint> listen,
        List<Endpoint> peers,
        long handshakeTimeoutMillis,
        int maxFrameBytes,
        long reconnectInitialMillis,
        long reconnectMaxMillis) {

    public static final long HANDSHAKE_TIMEOUT_MILLIS_DEFAULT = 10_000;
    public static final int MAX_FRAME_BYTES_DEFAULT = 1 << 20;
    public static final long RECONNECT_INITIAL_MILLIS_DEFAULT = 100;
    public static final long RECONNECT_MAX_MILLIS_DEFAULT = 5_000;

    public TransportSettings {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(mode, "mode");
        listen = List.copyOf(listen);
        peers = List.copyOf(peers);
    }

    /** Settings with every limit and interval at its default. */
    public static TransportSettings defaults(String routerId, long instance, String network, List<Endpoint> listen,
            List<Endpoint> peers) {
        return new TransportSettings(routerId, instance, network, RouterMode.INTERIOR, listen, peers,
                HANDSHAKE_TIMEOUT_MILLIS_DEFAULT, MAX_FRAME_BYTES_DEFAULT, RECONNECT_INITIAL_MILLIS_DEFAULT,
                RECONNECT_MAX_MILLIS_DEFAULT);
    }
}
