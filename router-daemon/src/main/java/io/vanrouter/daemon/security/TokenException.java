package io.vanrouter.daemon.security;

/** A join token refused by {@code token redeem}; the message says why and what to do. */
public final class TokenException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a token is refused; tests and scripts tell the cases apart by it. */
    public enum Reason {
        /** Not a token at all, truncated or damaged. */
        MALFORMED,
        /** Its signature does not verify, or its parts do not belong together. */
        TAMPERED,
        /** Past its expiry. */
        EXPIRED,
        /** For another router or another network than the configuration. */
        FOREIGN,
        /** Its credentials are already in place. */
        REDEEMED
    }

    private final Reason reason;

    public TokenException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
