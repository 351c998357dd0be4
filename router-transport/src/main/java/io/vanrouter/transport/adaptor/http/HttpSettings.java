package io.vanrouter.transport.adaptor.http;

import java.util.List;

/**
 * Validated settings of the HTTP adaptor ({@code http:} in the configuration).
 *
 * @param listeners  accept HTTP clients and route each request to a connector of its address
 * @param connectors send the requests that reach this router for their address to a real server
 */
public record HttpSettings(List<HttpListenerSettings> listeners, List<HttpConnectorSettings> connectors) {
    public static final HttpSettings NONE = new HttpSettings(List.of(), List.of());

    public HttpSettings {
        listeners = List.copyOf(listeners);
        connectors = List.copyOf(connectors);
    }
}
