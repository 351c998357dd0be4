package io.vanrouter.transport.wire;

import java.util.Locale;

/**
 * Why a stream was reset (STREAM_RESET). The codes are on the wire: never renumber or reuse them. A receiver shows a
 * code it does not know as {@code STREAM_<n>}.
 */
public enum StreamResetCode {
    /** No route to the destination router (at this hop). */
    NO_ROUTE(1),
    /** The destination router has no connector for the address. */
    NO_CONNECTOR(2),
    /** The connector side could not connect to its server. */
    CONNECT_FAILED(3),
    /** A TCP end was reset or failed (connection reset, broken pipe). */
    ABORTED(4),
    /** A link on the path went down. */
    LINK_DOWN(5),
    /** The sender broke the stream protocol (data beyond the window, data after END, unknown stream). */
    PROTOCOL_ERROR(6),
    /** The router is shutting down. */
    SHUTDOWN(7);

    private final int code;

    StreamResetCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public String words() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    public static StreamResetCode fromCode(int code) {
        for (StreamResetCode reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        return null;
    }

    public static String nameOf(int code) {
        StreamResetCode reason = fromCode(code);
        return reason == null ? "STREAM_" + code : reason.name();
    }
}
