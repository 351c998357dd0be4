package io.vanrouter.transport.message;

import java.util.Objects;

/**
 * MESSAGE_ACK (0x31): the destination router's answer to one anycast copy, routed hop by hop back to the ingress
 * router. Immutable; any thread.
 *
 * @param accepted true when a member took the message (ACCEPTED), false when this router could not deliver it and
 *                 the ingress should pick another member (RELEASED)
 */
public record MessageAck(String ingress, long messageId, boolean accepted) {
    /** Outcome codes on the wire: never renumber. */
    public static final int OUTCOME_ACCEPTED = 1;
    public static final int OUTCOME_RELEASED = 2;

    public MessageAck {
        Objects.requireNonNull(ingress, "ingress");
    }

    public int outcomeCode() {
        return accepted ? OUTCOME_ACCEPTED : OUTCOME_RELEASED;
    }
}
