package io.vanrouter.transport.wire;

import java.util.Locale;

/**
 * Why a connection was refused (REFUSE, during the handshake) or closed (CLOSE, after it). The codes are on the wire:
 * never renumber or reuse them. A receiver shows a code it does not know as {@code REASON_<n>}.
 */
public enum ReasonCode {
    DUPLICATE_ROUTER_ID(1),
    NETWORK_MISMATCH(2),
    UNSUPPORTED_VERSION(3),
    MALFORMED_FRAME(4),
    FRAME_TOO_LARGE(5),
    DUPLICATE_LINK(6),
    HANDSHAKE_TIMEOUT(7),
    PROTOCOL_ERROR(8),
    MODE_NOT_SUPPORTED(9),
    SHUTDOWN(10),
    /** Any close requested by the routing core (the usual cause is an expired dead interval). */
    DEAD_INTERVAL(11),
    SLOW_LINK(12),
    /** A data connection named a link this router does not have (gone, replaced, or never made). */
    UNKNOWN_LINK(13),
    /** The peer's certificate does not name the router id it claims (or names none). */
    AUTHENTICATION_FAILED(14),
    /** The peer's certificate is on the network's revocation list. */
    CERTIFICATE_REVOKED(15),
    /** A configuration reload removed the peer or listener of this link. */
    RECONFIGURED(16);

    private final int code;

    ReasonCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Lower-case words for log lines, e.g. "duplicate router id". */
    public String words() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The reason with this code, or null when this version does not know it. */
    public static ReasonCode fromCode(int code) {
        for (ReasonCode reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        return null;
    }

    /** The constant name for a code, or {@code REASON_<n>} for a code this version does not know. */
    public static String nameOf(int code) {
        ReasonCode reason = fromCode(code);
        return reason == null ? "REASON_" + code : reason.name();
    }
}
