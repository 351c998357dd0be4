package io.vanrouter.transport;

import java.util.Objects;

/**
 * A host and port to listen on or dial, with the link cost this end configures for links made through it. Port 0 on
 * a listener picks a free port (tests). A peer may be dialed through an HTTP CONNECT {@code proxy} (null: directly).
 */
public record Endpoint(String host, int port, int cost, LinkProxy proxy) {
    public static final int COST_DEFAULT = 1;

    public Endpoint(String host, int port, int cost) {
        this(host, port, cost, null);
    }

    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (cost < 1) {
            throw new IllegalArgumentException("cost must be at least 1: " + cost);
        }
    }

    /** The same endpoint with another cost (a reload changed it). */
    public Endpoint withCost(int newCost) {
        return new Endpoint(host, port, newCost, proxy);
    }

    /** "host:port", or "host:port via proxy proxy-host:port" (never the proxy's credentials). */
    @Override
    public String toString() {
        return proxy == null ? host + ":" + port : host + ":" + port + " via proxy " + proxy;
    }
}
