package io.vanrouter.transport.wire;

/** The 6 bytes each side writes first: magic "VANR" and the u16 protocol version. Encoder input only. */
public record Preamble(int version) {
    public static final Preamble CURRENT = new Preamble(WireLimits.PROTOCOL_VERSION);
}
