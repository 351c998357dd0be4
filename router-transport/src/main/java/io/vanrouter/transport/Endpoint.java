package io.vanrouter.transport;

import java.util.Objects;

/**
 * A host and port to listen on or dial, with the link cost this end configures for links made through it. Port 0 on
 * a listener picks a free port (tests).
 */
public record Endpoint(String host, int port, int cost) {
    public static final int COST_DEFAULT = 1;

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (cost < 1) {
            throw new IllegalArgumentException("cost must be at least 1: " + cost);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
