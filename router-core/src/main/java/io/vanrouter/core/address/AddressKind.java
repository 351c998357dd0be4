package io.vanrouter.core.address;

/**
 * What kind of consumer an {@link Address} entry stands for.
 *
 * <p>The codes are on the wire (address updates and snapshots): never renumber them.
 */
public enum AddressKind {
    /** A plain address matched exactly, e.g. the service address of a TCP connector. */
    PLAIN((byte) 1),
    /** An MQTT topic filter (may contain {@code +} and {@code #}), matched against published topics. */
    TOPIC_FILTER((byte) 2);

    private final byte code;

    AddressKind(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    /** The kind with this wire code; {@link IllegalArgumentException} for an unknown code. */
    public static AddressKind fromCode(byte code) {
        for (AddressKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown address kind code " + code);
    }
}
