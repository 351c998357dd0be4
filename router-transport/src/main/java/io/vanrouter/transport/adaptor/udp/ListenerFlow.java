package io.vanrouter.transport.adaptor.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * What a {@link UdpListener} keeps per client: a flow to one connector site ({@link ClientFlow}) or to every one
 * ({@link MulticastFlow}). The listener socket's event loop only.
 */
interface ListenerFlow {

    InetSocketAddress client();

    /** Opens the flow's stream(s); false when no connector is reachable (nothing is left open then). */
    boolean start(EventLoop loop);

    /** A datagram from the client (ownership passes): carried, or dropped and counted. */
    void offer(ByteBuf datagram);

    /** Nanoseconds since a datagram last passed the flow, either way. */
    long idleNanos(long nowNanos);

    /** Ends the flow (idle): its streams end toward their connectors. */
    void end();
}
