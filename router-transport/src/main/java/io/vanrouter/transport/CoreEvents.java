package io.vanrouter.transport;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.hello.Liveness;
import io.vanrouter.core.message.ControlMessage;
import java.util.concurrent.TimeUnit;

/**
 * What link handlers tell the routing core. Implemented by {@link CoreLoop}; tests record the calls.
 *
 * <p>Any thread; never blocks.
 */
public interface CoreEvents {

    void submitLinkUp(long linkId, String peerId, long peerInstance, int cost);

    /** A link to an edge router ({@code peerIsEdge}) came up at this interior router, or any link (false). */
    default void submitLinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge) {
        submitLinkUp(linkId, peerId, peerInstance, cost);
    }

    /** As above, with the hello and dead intervals the peer announced in its HANDSHAKE (null: none). */
    default void submitLinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge,
            Liveness peerLiveness) {
        submitLinkUp(linkId, peerId, peerInstance, cost, peerIsEdge);
    }

    /** This router's hello and dead intervals, announced in its HANDSHAKE. */
    default Liveness liveness() {
        return new Liveness(CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT, CoreSettings.DEAD_INTERVAL_MILLIS_DEFAULT);
    }

    void submitLinkDown(long linkId, String reason);

    /** The agreed cost of an up link changed (a reload); cores that keep no costs may ignore it. */
    default void submitLinkCost(long linkId, int cost) {
    }

    void submitMessage(long linkId, ControlMessage message);

    /**
     * Frames arrived on an active link: the neighbour is alive even if its hellos wait behind data. Link handlers call
     * this at most every {@link #linkActivityIntervalNanos()} per link, never per frame.
     */
    void submitLinkActivity(long linkId);

    /** Least time between two {@link #submitLinkActivity} calls for one link: a quarter of the hello interval. */
    default long linkActivityIntervalNanos() {
        return TimeUnit.MILLISECONDS.toNanos(CoreSettings.HELLO_INTERVAL_MILLIS_DEFAULT) / 4;
    }
}
