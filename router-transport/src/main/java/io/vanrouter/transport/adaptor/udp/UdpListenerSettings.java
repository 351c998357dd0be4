package io.vanrouter.transport.adaptor.udp;

import io.vanrouter.core.address.Distribution;
import java.util.Objects;

/**
 * A UDP listener: receive datagrams on {@code host:port} (port 0: any free port, tests) and carry each client's
 * flow to one connector of {@code address}, chosen by {@code distribution}.
 */
public record UdpListenerSettings(String address, String host, int port, Distribution distribution) {
    public UdpListenerSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(distribution, "distribution");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public UdpListenerSettings(String address, String host, int port) {
        this(address, host, port, Distribution.BALANCED);
    }
}
