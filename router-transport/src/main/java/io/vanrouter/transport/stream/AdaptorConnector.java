package io.vanrouter.transport.stream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * The connector side of an adaptor whose streams end in an {@link AdaptorEnd} (HTTP requests): registered with
 * {@link StreamRouter#adaptorConnector} for the addresses of one namespace.
 *
 * <p>Called on {@code loop}; must not block.
 */
public interface AdaptorConnector {

    /**
     * Starts this router's side of {@code end}'s stream toward its server for {@code address} on {@code loop}: the
     * future gives the sink once it is ready (a connection or an HTTP/2 stream to the server); a failed future resets
     * the stream with {@code CONNECT_FAILED}, so the listener side tries another site. Null when this router has no
     * connector for {@code address}.
     */
    Future<AdaptorSink> open(String address, EventLoop loop, AdaptorEnd end);
}
