package io.vanrouter.transport.adaptor.tcp;

import java.util.Objects;

/** A TCP connector: streams for {@code address} that reach this router are opened to {@code host:port}. */
public record TcpConnectorSettings(String address, String host, int port) {
    public TcpConnectorSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
