package io.vanrouter.transport.link;

import io.netty.handler.proxy.HttpProxyHandler;
import io.vanrouter.transport.LinkProxy;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * How one dialed connection reaches its peer through an HTTP CONNECT proxy: the proxy (with its credentials), the
 * proxy's resolved address for this attempt, and the peer's host and port as configured, which the proxy resolves.
 * The data connections of a link dialed this way take the same route, to the same proxy address.
 *
 * <p>Immutable; any thread.
 */
record ProxyRoute(LinkProxy proxy, SocketAddress proxyAddress, String targetHost, int targetPort) {
    /** Longest wait for the proxy's answer to CONNECT, once the TCP connection to it is up. */
    static final long CONNECT_ANSWER_TIMEOUT_MILLIS = PeerDialer.CONNECT_TIMEOUT_MILLIS;

    ProxyRoute {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(proxyAddress, "proxyAddress");
        Objects.requireNonNull(targetHost, "targetHost");
    }

    /** The address to connect to: unresolved, so that the proxy resolves the peer's host, not this router. */
    InetSocketAddress target() {
        return InetSocketAddress.createUnresolved(targetHost, targetPort);
    }

    /** A new handler for one connection; it goes first in the pipeline, before TLS (TLS runs inside the tunnel). */
    HttpProxyHandler newHandler() {
        HttpProxyHandler handler = proxy.hasCredentials()
                ? new HttpProxyHandler(proxyAddress, proxy.username(), proxy.password())
                : new HttpProxyHandler(proxyAddress);
        handler.setConnectTimeoutMillis(CONNECT_ANSWER_TIMEOUT_MILLIS);
        return handler;
    }

    /** "peer-host:55671 via proxy proxy-host:3128", as status shows the connection. */
    String describe() {
        return targetHost + ":" + targetPort + " via proxy " + proxy;
    }
}
