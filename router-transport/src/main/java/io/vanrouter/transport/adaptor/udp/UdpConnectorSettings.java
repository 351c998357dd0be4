package io.vanrouter.transport.adaptor.udp;

import java.util.Objects;

/** A UDP connector: each flow for {@code address} that reaches this router gets its own socket to {@code host:port}. */
public record UdpConnectorSettings(String address, String host, int port) {
    public UdpConnectorSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
