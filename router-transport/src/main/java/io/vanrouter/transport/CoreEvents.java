package io.vanrouter.transport;

import io.vanrouter.core.message.ControlMessage;

/**
 * What link handlers tell the routing core. Implemented by {@link CoreLoop}; tests record the calls.
 *
 * <p>Any thread; never blocks.
 */
public interface CoreEvents {

    void submitLinkUp(long linkId, String peerId, long peerInstance, int cost);

    void submitLinkDown(long linkId, String reason);

    void submitMessage(long linkId, ControlMessage message);
}
