package io.vanrouter.core.port;

import io.vanrouter.core.message.ControlMessage;

/**
 * How the core reaches its neighbours. Implementations must never block: the Netty one hands the message to the
 * link's event loop, the simulation one queues it with a delay.
 *
 * <p>Called on the core thread only.
 */
public interface ControlSender {

    /** Sends one control message on an inter-router link. A message for a link that is gone is dropped silently. */
    void send(long linkId, ControlMessage message);

    /** Asks the transport to close a link, telling the peer why (for example: dead interval expired). */
    void closeLink(long linkId, String reason);

    /**
     * Closes a link whose peer uses the id of another router of this network (an edge router named like an interior),
     * telling the peer so; by default like {@link #closeLink}.
     */
    default void closeLinkDuplicateId(long linkId, String reason) {
        closeLink(linkId, reason);
    }
}
