package io.vanrouter.transport.stream;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;

/**
 * The connector side's way to reach real servers: implemented by the TCP adaptor's connectors.
 *
 * <p>Called on {@code loop}; must not block (addresses are resolved before the router starts).
 */
public interface ServiceConnector {
    /** A router without connectors. */
    ServiceConnector NONE = (address, loop, handler) -> null;

    /**
     * Starts a connection to this router's server for {@code address} on {@code loop}, with AUTO_READ off and
     * half-closure allowed, {@code handler} last in its pipeline; or returns null when this router has no connector
     * for {@code address}.
     */
    ChannelFuture connect(String address, EventLoop loop, ChannelHandler handler);
}
