package io.vanrouter.transport.wire;

import java.util.Objects;

/**
 * HANDSHAKE: who the sender is. Each side sends one right after its preamble.
 *
 * <p>Version-1 extensions (appended fields, absent from older senders and read as 0): {@code role} says whether the
 * connection is a link (control connection, role 0) or a data connection joining the sender's existing link (role 1),
 * and {@code dataConnections} how many data connections the sender takes per link (0: streams share the link);
 * {@code helloIntervalMillis} and {@code deadIntervalMillis} are the sender's (0: not announced), which an interior
 * router keeps on an edge router's link.
 *
 * @param modeCode        {@link io.vanrouter.transport.RouterMode} code (kept raw so unknown modes can be refused politely)
 * @param cost            link cost configured at the sender's end, at least 1
 * @param instance        the sender's boot id
 * @param routerId        the sender's router id
 * @param network         the sender's network name
 * @param role            {@link #ROLE_LINK} or {@link #ROLE_DATA}; other values are refused
 * @param dataConnections data connections per link the sender takes, 0..255
 * @param helloIntervalMillis the sender's hello interval, 0..2^32-1 (0: not announced)
 * @param deadIntervalMillis  the sender's dead interval, 0..2^32-1 (0: not announced)
 * @param features        bit set of optional features the sender takes ({@link #FEATURE_STREAM_CONNECTIONS})
 * @param streamId        with {@link #ROLE_STREAM}: the id of the stream (on the sender's link) this connection carries
 */
public record HandshakeFrame(int modeCode, int cost, long instance, String routerId, String network, int role,
        int dataConnections, long helloIntervalMillis, long deadIntervalMillis, int features, int streamId) {
    /** A link: control frames, and stream and message frames when there are no data connections. */
    public static final int ROLE_LINK = 0;
    /** A data connection of the sender's link to this router: stream frames only. */
    public static final int ROLE_DATA = 1;
    /** A stream connection of the sender's link: the raw bytes of one stream on it, no frames (section 5.3). */
    public static final int ROLE_STREAM = 2;
    /**
     * Feature bit 0, retired: stream connections whose direction ended on a FIN alone (a killed router's kernel sends
     * one, so a truncated stream looked complete). Not offered any more; a peer that offers only this gets frames.
     */
    public static final int FEATURE_STREAM_CONNECTIONS_UNCONFIRMED = 1;
    /**
     * Feature bit 1: the sender takes stream connections for bulk streams, a direction's FIN confirmed by a STREAM_END
     * with its byte count (docs/protocol.md, section 5.3).
     */
    public static final int FEATURE_STREAM_CONNECTIONS = 2;
    public static final int DATA_CONNECTIONS_MAX = 255;
    private static final long U32_MAX = 0xFFFF_FFFFL;

    public HandshakeFrame {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(network, "network");
        if (dataConnections < 0 || dataConnections > DATA_CONNECTIONS_MAX) {
            throw new IllegalArgumentException("dataConnections " + dataConnections + " out of range 0.."
                    + DATA_CONNECTIONS_MAX);
        }
        if (helloIntervalMillis < 0 || helloIntervalMillis > U32_MAX || deadIntervalMillis < 0
                || deadIntervalMillis > U32_MAX) {
            throw new IllegalArgumentException("hello and dead intervals must fit in a u32");
        }
        if (features < 0 || features > 0xFF) {
            throw new IllegalArgumentException("features " + features + " out of range 0..255");
        }
    }

    /** A handshake without the optional features (what routers before stream connections send). */
    public HandshakeFrame(int modeCode, int cost, long instance, String routerId, String network, int role,
            int dataConnections, long helloIntervalMillis, long deadIntervalMillis) {
        this(modeCode, cost, instance, routerId, network, role, dataConnections, helloIntervalMillis,
                deadIntervalMillis, 0, 0);
    }

    /** A handshake that announces no hello and dead intervals (what routers before that field send). */
    public HandshakeFrame(int modeCode, int cost, long instance, String routerId, String network, int role,
            int dataConnections) {
        this(modeCode, cost, instance, routerId, network, role, dataConnections, 0, 0);
    }

    /** A version-1 link handshake without data connections (what routers before data connections send). */
    public HandshakeFrame(int modeCode, int cost, long instance, String routerId, String network) {
        this(modeCode, cost, instance, routerId, network, ROLE_LINK, 0);
    }

    public boolean isData() {
        return role == ROLE_DATA;
    }

    public boolean isStream() {
        return role == ROLE_STREAM;
    }

    public boolean takesStreamConnections() {
        return (features & FEATURE_STREAM_CONNECTIONS) != 0;
    }
}
