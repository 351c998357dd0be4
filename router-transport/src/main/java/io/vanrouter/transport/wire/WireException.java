package io.vanrouter.transport.wire;

import io.netty.handler.codec.DecoderException;

/**
 * The peer broke the wire format. The link handler answers with a REFUSE or CLOSE carrying {@link #reason()} and
 * closes the connection; the message is the text sent. Handlers tell faults apart by {@link #kind()} and
 * {@link #reason()}, never by the text.
 */
public final class WireException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for handlers to branch on; never the message text, which is for people. */
    public enum Kind {
        /** The connection does not start with our magic bytes: not a router at all (a scanner, HTTP, TLS). */
        BAD_PREAMBLE,
        /** A router broke the wire format or the protocol: the REFUSE or CLOSE carries {@link #reason()}. */
        FRAME
    }

    private final Kind kind;
    private final ReasonCode reason;

    /** A {@link Kind#FRAME} fault. */
    public WireException(ReasonCode reason, String message) {
        this(Kind.FRAME, reason, message);
    }

    private WireException(Kind kind, ReasonCode reason, String message) {
        super(message);
        this.kind = kind;
        this.reason = reason;
    }

    /** The peer's first bytes are not our preamble's magic. */
    public static WireException badPreamble() {
        return new WireException(Kind.BAD_PREAMBLE, ReasonCode.MALFORMED_FRAME, "bad preamble");
    }

    /** The peer's first byte starts a TLS handshake record: a TLS client on a plain inter-router port. */
    public static WireException tlsOnPlainPort() {
        return new WireException(Kind.BAD_PREAMBLE, ReasonCode.MALFORMED_FRAME,
                "bad preamble: the peer starts TLS but this router's links are plain; set the same tls section on both");
    }

    public Kind kind() {
        return kind;
    }

    public ReasonCode reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // an expected peer fault: the stack says nothing
    }
}
