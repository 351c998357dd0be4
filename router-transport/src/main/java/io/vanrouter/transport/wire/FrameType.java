package io.vanrouter.transport.wire;

/**
 * Frame type byte. The codes are on the wire: never renumber or reuse them. Codes {@code >= 0x80} that a receiver does
 * not know are skipped (optional extensions); unknown codes below {@code 0x80} are a protocol error.
 */
public enum FrameType {
    HANDSHAKE(0x01),
    REFUSE(0x02),
    CLOSE(0x03),
    HELLO(0x10),
    LINK_STATE(0x11),
    ADDRESS_UPDATE(0x12),
    ADDRESS_SNAPSHOT(0x13),
    ADDRESS_SYNC_REQUEST(0x14),
    MESSAGE(0x30),
    MESSAGE_ACK(0x31);

    /** Unknown frame types at or above this code are skipped rather than refused. */
    public static final int OPTIONAL_CODE_MIN = 0x80;

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or null when this version does not know it. */
    public static FrameType fromCode(int code) {
        for (FrameType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
