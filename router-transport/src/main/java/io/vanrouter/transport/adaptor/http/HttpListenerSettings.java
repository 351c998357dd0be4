package io.vanrouter.transport.adaptor.http;

import io.vanrouter.core.address.Distribution;
import java.util.Objects;

/**
 * An HTTP listener: accept clients speaking {@code protocol} on {@code host:port} (port 0: any free port, tests) and
 * route each of their requests on its own to a connector of {@code address}, chosen by {@code distribution}.
 */
public record HttpListenerSettings(String address, String host, int port, HttpProtocol protocol,
        Distribution distribution) {
    public HttpListenerSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(distribution, "distribution");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public HttpListenerSettings(String address, String host, int port, HttpProtocol protocol) {
        this(address, host, port, protocol, Distribution.BALANCED);
    }
}
