package io.vanrouter.transport.netty;

import java.util.regex.Pattern;

/** Short, operator-friendly wording of socket errors. Pure functions; any thread. */
public final class Errors {
    /** Netty native errors read "bind(..) failed: Address already in use"; keep what follows "failed: ". */
    private static final Pattern NATIVE_PREFIX = Pattern.compile("^[a-zA-Z]+\\(\\.\\.\\) failed(?: with [^:]+)?: ");
    /** Netty annotates connect errors with ": /127.0.0.1:55672"; the log line names the address already. */
    private static final Pattern ADDRESS_SUFFIX = Pattern.compile(": [^ ]*/[^ ]+:\\d+$");

    private Errors() {
    }

    /** E.g. "Connection refused" or "Address already in use"; the class name when there is no message. */
    public static String describe(Throwable error) {
        Throwable cause = error;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (message == null) {
            return cause.getClass().getSimpleName();
        }
        message = NATIVE_PREFIX.matcher(message).replaceFirst("");
        // strip: Netty's resolver ends "Failed to resolve 'x' [A(1), AAAA(28)] after 2 queries " with a space.
        return ADDRESS_SUFFIX.matcher(message).replaceFirst("").strip();
    }
}
