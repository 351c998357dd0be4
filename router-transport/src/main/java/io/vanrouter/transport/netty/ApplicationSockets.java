package io.vanrouter.transport.netty;

/** Socket settings shared by every adaptor's sockets toward applications (TCP clients and servers, MQTT clients). */
public final class ApplicationSockets {
    /**
     * SO_RCVBUF of application sockets (the kernel doubles it for bookkeeping); set on listening sockets before they
     * listen, so accepted sockets inherit it. Once a peer half-closes or closes, Netty's epoll transport drains the
     * socket to EOF (EPOLLRDHUP) even with AUTO_READ off, so this buffer is what a router can take in past its own
     * back-pressure from one socket; left to the kernel it autotunes up to {@code tcp_rmem} max (32 MiB here).
     */
    public static final int RECEIVE_BUFFER_BYTES = 256 << 10;

    private ApplicationSockets() {
    }
}
