package io.vanrouter.transport.message;

/**
 * Told once when a QoS 1 publish is complete (see {@link MessageRouter#publishForOutcome}).
 * Any thread: the implementation hops to its client's event loop itself.
 */
@FunctionalInterface
public interface PublishOutcome {

    /**
     * @param delivered true when at least one receiver took the message (a local receiver, a shared-group member's
     *                  acknowledgement, or a subscriber router's MESSAGE_ACK) and no copy was given up; false when
     *                  nothing received it (no receivers, they left, or the time limit passed)
     */
    void completed(boolean delivered);
}
