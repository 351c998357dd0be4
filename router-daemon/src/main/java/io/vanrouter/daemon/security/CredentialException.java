package io.vanrouter.daemon.security;

/**
 * A credential operation that cannot be done: a missing or unreadable CA directory, a file that would be overwritten,
 * an unknown router. The message names the cause and what to do; the CLI prints it as it is.
 */
public final class CredentialException extends Exception {
    private static final long serialVersionUID = 1L;

    public CredentialException(String message) {
        super(message);
    }

    public CredentialException(String message, Throwable cause) {
        super(message, cause);
    }
}
