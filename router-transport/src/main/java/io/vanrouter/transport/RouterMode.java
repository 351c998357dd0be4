package io.vanrouter.transport;

/** The role a router plays; carried in the link handshake. Codes are on the wire: never renumber. */
public enum RouterMode {
    INTERIOR(0),
    /** Reserved for edge routers (a later release); interior routers refuse edge peers until then. */
    EDGE(1);

    private final int code;

    RouterMode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static RouterMode fromCode(int code) {
        for (RouterMode mode : values()) {
            if (mode.code == code) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown router mode code " + code);
    }
}
