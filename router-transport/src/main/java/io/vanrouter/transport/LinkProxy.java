package io.vanrouter.transport;

import java.util.Objects;

/**
 * An HTTP CONNECT proxy a peer is dialed through ({@code peers[].proxy}), with optional Basic credentials. The proxy
 * host is resolved at every attempt without blocking; the peer's host is resolved by the proxy.
 *
 * <p>{@link #toString()} never shows the password, so a proxy can be logged as it is. Immutable; any thread.
 *
 * @param username null when the proxy takes no credentials
 * @param password null when the proxy takes no credentials
 */
public record LinkProxy(String host, int port, String username, String password) {
    public LinkProxy {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("proxy port out of range: " + port);
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("proxy username and password go together");
        }
    }

    public LinkProxy(String host, int port) {
        this(host, port, null, null);
    }

    public boolean hasCredentials() {
        return username != null;
    }

    /** "proxy.example:3128", without the credentials. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
