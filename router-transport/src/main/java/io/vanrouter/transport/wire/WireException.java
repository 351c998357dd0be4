package io.vanrouter.transport.wire;

import io.netty.handler.codec.DecoderException;

/**
 * The peer broke the wire format. The link handler answers with a REFUSE or CLOSE carrying {@link #reason()} and
 * closes the connection; the message is the text sent.
 */
public final class WireException extends DecoderException {
    private static final long serialVersionUID = 1L;

    private final ReasonCode reason;

    public WireException(ReasonCode reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // an expected peer fault: the stack says nothing
    }
}
