package io.vanrouter.daemon.mgmt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The management endpoint's bearer token, read from a file (its first line, trimmed): a request must carry
 * {@code Authorization: Bearer <token>}. Compared in constant time. Immutable; any thread.
 */
public final class BearerToken {
    /** Shorter tokens are refused: a token is a password that nobody types, so it can be long. */
    public static final int LENGTH_MIN = 16;

    private final byte[] token;

    private BearerToken(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the token in {@code file}; the message says what is wrong with the file and what to do. */
    public static BearerToken read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot read the management token file " + file + ": " + e.getMessage(), e);
        }
        String token = text.lines().findFirst().orElse("").strip();
        if (token.length() < LENGTH_MIN) {
            throw new IOException("the management token in " + file + " is " + (token.isEmpty() ? "empty"
                    : "shorter than " + LENGTH_MIN + " characters") + "; write a long random one, e.g. "
                    + "head -c 32 /dev/urandom | base64 > " + file);
        }
        return new BearerToken(token);
    }

    /** Whether an {@code Authorization} header value carries this token. */
    public boolean admits(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] offered = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(token, offered);
    }

    /** The header value that carries this token. */
    public String header() {
        return "Bearer " + new String(token, StandardCharsets.UTF_8);
    }
}
