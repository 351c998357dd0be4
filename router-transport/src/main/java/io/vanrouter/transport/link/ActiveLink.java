package io.vanrouter.transport.link;

import io.netty.channel.Channel;
import io.vanrouter.transport.LinkView;
import io.vanrouter.transport.wire.ReasonCode;
import java.util.concurrent.TimeUnit;

/**
 * A link whose handshake succeeded and which is registered in the {@link LinkRegistry}. Immutable; any thread.
 *
 * @param cost agreed cost at the handshake: the larger of the two ends' configured costs (a reload may change it
 *             since: {@link LinkSession#agreedCost()})
 * @param data the link's data connections (none when either end offers none)
 */
public record ActiveLink(long linkId, String peerId, long peerInstance, int cost, LinkSession session,
        long upNanos, DataConnections data) {

    public Channel channel() {
        return session.channel();
    }

    /** True when the peer is an edge router attached to this interior one (never in link state). */
    public boolean peerIsEdge() {
        return session.peerIsEdge();
    }

    /** True when this router dialed the link: it then opens streams with odd ids, the acceptor with even ids. */
    public boolean dialed() {
        return session.outbound();
    }

    /** Whether this link's streams may move to stream connections (docs/protocol.md, section 5.3). Any thread. */
    public boolean streamConnections() {
        return session.streamConnectionsAgreed();
    }

    /**
     * Dials a stream connection for stream {@code streamId} on {@code loop}; only on a link this router dialed, with
     * {@link #streamConnections()}. Any thread.
     */
    public void dialStreamConnection(int streamId, io.netty.channel.EventLoop loop,
            StreamConnectionObserver observer) {
        session.env().dataDialer().dialStream(this, streamId, loop, observer);
    }

    /** Sends CLOSE with the reason, then closes; any thread (hops to the link's event loop). */
    public void close(ReasonCode reason, String text) {
        channel().eventLoop().execute(() -> session.closeWith(reason, text));
    }

    public LinkView view(long nowNanos) {
        return new LinkView(linkId, peerId, session.direction(), session.remote(), "active", session.agreedCost(),
                TimeUnit.NANOSECONDS.toMillis(nowNanos - upNanos), null, data.count());
    }
}
