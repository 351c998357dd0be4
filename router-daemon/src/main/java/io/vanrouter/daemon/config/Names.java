package io.vanrouter.daemon.config;

import java.nio.charset.StandardCharsets;

/** The rule for router ids and network names, shared by the configuration and the credential commands. */
public final class Names {
    public static final int BYTES_MAX = 255;

    private Names() {
    }

    /** @return what is wrong with a router id or network name, or null when it is fine */
    public static String problem(String value) {
        if (value.isEmpty()) {
            return "must not be empty";
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > BYTES_MAX) {
            return "must be at most " + BYTES_MAX + " UTF-8 bytes, got " + bytes;
        }
        boolean bad = value.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
        return bad ? "must not contain whitespace or control characters, got '" + value + "'" : null;
    }
}
