package io.vanrouter.transport.adaptor.tcp;

import io.vanrouter.core.address.Distribution;
import java.util.Objects;

/**
 * A TCP listener: accept connections on {@code host:port} (port 0: any free port, tests) and carry each to a
 * connector of {@code address}.
 */
public record TcpListenerSettings(String address, String host, int port, Distribution distribution) {
    public TcpListenerSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(distribution, "distribution");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public TcpListenerSettings(String address, String host, int port) {
        this(address, host, port, Distribution.BALANCED);
    }
}
