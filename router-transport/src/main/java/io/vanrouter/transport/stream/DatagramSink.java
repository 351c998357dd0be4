package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;

/**
 * Where the datagrams leaving a {@link DatagramEnd} go: the client of a UDP listener, or the server socket of a UDP
 * connector. Implemented by the adaptor.
 *
 * <p>Called on the stream's event loop; must not block.
 */
public interface DatagramSink {

    /** Sends one datagram (ownership passes); a sink that cannot take it now drops it, releases it and counts it. */
    void send(ByteBuf datagram);

    /** The flow is over (ended, reset or expired): forget it and free what it holds. Called once. */
    void closed();

    /** "udp 127.0.0.1:5353", for logs and views. */
    String describe();
}
