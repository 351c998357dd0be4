package io.vanrouter.transport.adaptor.tcp;

import java.util.List;

/**
 * Validated settings of the TCP adaptor ({@code tcp:} in the configuration).
 *
 * @param listeners accept client connections and carry each to a connector of their address
 * @param connectors open the streams that reach this router for their address to a real server
 */
public record TcpSettings(List<TcpListenerSettings> listeners, List<TcpConnectorSettings> connectors) {
    public TcpSettings {
        listeners = List.copyOf(listeners);
        connectors = List.copyOf(connectors);
    }
}
