package io.vanrouter.core.address;

/**
 * How messages to an address reach its consumers (skupper's "treatment").
 *
 * <p>The codes may travel on the wire as a hint: never renumber them.
 */
public enum Distribution {
    /** Every consumer gets one copy, along the ingress router's shortest-path tree. */
    MULTICAST((byte) 1),
    /** One consumer: a local one first, else the least path cost, round-robin among equals. */
    CLOSEST((byte) 2),
    /** One consumer: the least (in-flight deliveries + path cost), ties rotated. */
    BALANCED((byte) 3);

    private final byte code;

    Distribution(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    /** The distribution with this wire code; {@link IllegalArgumentException} for an unknown code. */
    public static Distribution fromCode(byte code) {
        for (Distribution distribution : values()) {
            if (distribution.code == code) {
                return distribution;
            }
        }
        throw new IllegalArgumentException("unknown distribution code " + code);
    }

    public boolean isAnycast() {
        return this != MULTICAST;
    }
}
