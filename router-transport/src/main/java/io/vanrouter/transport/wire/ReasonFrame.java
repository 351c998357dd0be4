package io.vanrouter.transport.wire;

import java.util.Objects;

/**
 * REFUSE (the handshake failed) or CLOSE (an established link ends): a reason code and a human text. The sender
 * closes the connection after writing it.
 *
 * @param type       {@link FrameType#REFUSE} or {@link FrameType#CLOSE}
 * @param reasonCode {@link ReasonCode} code; a receiver may see codes it does not know
 * @param text       what happened, for the peer's log
 */
public record ReasonFrame(FrameType type, int reasonCode, String text) {
    public ReasonFrame {
        if (type != FrameType.REFUSE && type != FrameType.CLOSE) {
            throw new IllegalArgumentException("not a reason frame type: " + type);
        }
        Objects.requireNonNull(text, "text");
    }

    public static ReasonFrame refuse(ReasonCode reason, String text) {
        return new ReasonFrame(FrameType.REFUSE, reason.code(), text);
    }

    public static ReasonFrame close(ReasonCode reason, String text) {
        return new ReasonFrame(FrameType.CLOSE, reason.code(), text);
    }

    /** E.g. {@code DUPLICATE_ROUTER_ID: peer uses this router's id}. */
    public String describe() {
        return ReasonCode.nameOf(reasonCode) + ": " + text;
    }
}
