package io.vanrouter.transport.wire;

/**
 * Frame type byte. The codes are on the wire: never renumber or reuse them. Codes {@code >= 0x80} that a receiver does
 * not know are skipped (optional extensions); unknown codes below {@code 0x80} are a protocol error.
 */
public enum FrameType {
    HANDSHAKE(0x01),
    REFUSE(0x02),
    CLOSE(0x03),
    /** A piece of a control frame larger than the frame limit (address snapshot or update, link state). */
    FRAGMENT(0x04),
    HELLO(0x10),
    LINK_STATE(0x11),
    ADDRESS_UPDATE(0x12),
    ADDRESS_SNAPSHOT(0x13),
    ADDRESS_SYNC_REQUEST(0x14),
    /** Opens a stream along the path to a destination router (data plane, docs/data-plane.md). */
    STREAM_OPEN(0x20),
    /** Bytes of one stream direction; payload at most {@link WireLimits#STREAM_DATA_BYTES_MAX}. */
    STREAM_DATA(0x21),
    /** Credit: the receiver has passed on this many more bytes of the stream. */
    STREAM_WINDOW(0x22),
    /** The sender's direction of the stream is finished (TCP FIN). */
    STREAM_END(0x23),
    /** Aborts both directions of the stream. */
    STREAM_RESET(0x24),
    /** The connector side reached the real server; the listener side may start reading its client. */
    STREAM_OPENED(0x25),
    /** The sender's direction of the stream continues on the hop's stream connection (raw bytes, no frames). */
    STREAM_MOVED(0x26),
    /** An application message (MQTT publish) routed by topic: multicast along a tree or anycast to one router. */
    MESSAGE(0x30),
    MESSAGE_ACK(0x31),
    /**
     * The sender's configured cost for this link changed (a configuration reload); both ends then use the larger of
     * the two configured costs. Optional: a receiver that does not know it skips it and keeps the old cost.
     */
    LINK_COST(0x80);

    /** Whether a frame of this type may be sent in FRAGMENT frames when it exceeds the frame limit. */
    public boolean fragmentable() {
        return this == LINK_STATE || this == ADDRESS_UPDATE || this == ADDRESS_SNAPSHOT;
    }

    /** Unknown frame types at or above this code are skipped rather than refused. */
    public static final int OPTIONAL_CODE_MIN = 0x80;

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** By code: read per frame, so no {@code values()} copy per lookup. */
    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    /** The type with this code, or null when this version does not know it. */
    public static FrameType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
