package io.vanrouter.transport.adaptor.udp;

import java.util.List;

/**
 * Validated settings of the UDP adaptor ({@code udp:} in the configuration).
 *
 * @param listeners             receive datagrams and carry each client's flow to a connector of their address
 * @param connectors            send the flows that reach this router for their address to a real server
 * @param flowIdleTimeoutMillis a listener's flow with no datagram either way for this long ends
 */
public record UdpSettings(List<UdpListenerSettings> listeners, List<UdpConnectorSettings> connectors,
        long flowIdleTimeoutMillis) {
    public static final long FLOW_IDLE_TIMEOUT_MILLIS_DEFAULT = 30_000;
    public static final long FLOW_IDLE_TIMEOUT_MILLIS_MIN = 100;
    public static final long FLOW_IDLE_TIMEOUT_MILLIS_MAX = 86_400_000;
    public static final UdpSettings NONE = new UdpSettings(List.of(), List.of(), FLOW_IDLE_TIMEOUT_MILLIS_DEFAULT);

    public UdpSettings {
        listeners = List.copyOf(listeners);
        connectors = List.copyOf(connectors);
        if (flowIdleTimeoutMillis < FLOW_IDLE_TIMEOUT_MILLIS_MIN || flowIdleTimeoutMillis > FLOW_IDLE_TIMEOUT_MILLIS_MAX) {
            throw new IllegalArgumentException("flow idle timeout out of range: " + flowIdleTimeoutMillis + " ms");
        }
    }

    public UdpSettings(List<UdpListenerSettings> listeners, List<UdpConnectorSettings> connectors) {
        this(listeners, connectors, FLOW_IDLE_TIMEOUT_MILLIS_DEFAULT);
    }
}
