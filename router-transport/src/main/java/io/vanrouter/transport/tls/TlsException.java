package io.vanrouter.transport.tls;

/** Link credentials that cannot be used: the message names the file and the cause. */
public final class TlsException extends Exception {
    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }

    public TlsException(String message) {
        super(message);
    }
}
