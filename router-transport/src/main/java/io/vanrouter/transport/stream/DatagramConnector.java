package io.vanrouter.transport.stream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * The connector side of datagram flows: implemented by the UDP adaptor, registered with
 * {@link StreamRouter#datagramConnector} for the addresses of one namespace.
 *
 * <p>Called on {@code loop}; must not block.
 */
public interface DatagramConnector {

    /**
     * Starts this router's side of {@code flow} toward its server for {@code address} on {@code loop}: the future
     * gives the sink its datagrams leave through, once its socket is ready (the sink hands the server's replies to
     * {@link DatagramEnd#offer}); a failed future resets the flow with {@code CONNECT_FAILED}. Null when this router
     * has no connector for {@code address}.
     */
    Future<DatagramSink> open(String address, EventLoop loop, DatagramEnd flow);
}
