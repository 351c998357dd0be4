package io.vanrouter.transport.adaptor.mqtt.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted, slow password hash: PBKDF2 with HMAC-SHA256 from the JDK, written as
 * {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} (salt and hash in unpadded base64). The iteration count travels with the
 * hash, so raising the default later leaves existing entries valid. Immutable; any thread. Checking a password costs
 * tens of milliseconds on purpose: never on an event loop.
 */
public final class PasswordHash {
    public static final String SCHEME = "pbkdf2-sha256";
    /** About 50 ms per check on one core of a 2024 server: slow for a guesser, bearable for a reconnect storm. */
    public static final int ITERATIONS_DEFAULT = 200_000;
    public static final int ITERATIONS_MIN = 10_000;
    public static final int ITERATIONS_MAX = 10_000_000;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Hashes {@code password} with a new random salt. */
    public static PasswordHash create(char[] password, int iterations) {
        if (iterations < ITERATIONS_MIN || iterations > ITERATIONS_MAX) {
            throw new IllegalArgumentException("iterations must be " + ITERATIONS_MIN + ".." + ITERATIONS_MAX
                    + ", got " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BYTES));
    }

    /**
     * Reads the text form.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static PasswordHash parse(String text) {
        String[] parts = text == null ? new String[0] : text.split("\\$", -1);
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            throw new IllegalArgumentException("not a password hash of the form " + SCHEME
                    + "$ITERATIONS$SALT$HASH (make one with 'vanrouter mqtt-users add')");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("password hash: iterations '" + parts[1] + "' is not a number");
        }
        if (iterations < ITERATIONS_MIN || iterations > ITERATIONS_MAX) {
            throw new IllegalArgumentException("password hash: iterations must be " + ITERATIONS_MIN + ".."
                    + ITERATIONS_MAX + ", got " + iterations);
        }
        byte[] salt = base64(parts[2], "salt");
        byte[] hash = base64(parts[3], "hash");
        if (salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("password hash: salt of at least 8 bytes and hash of at least 16 "
                    + "expected, got " + salt.length + " and " + hash.length);
        }
        return new PasswordHash(iterations, salt, hash);
    }

    private static byte[] base64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("password hash: the " + what + " is not base64");
        }
    }

    /** Whether {@code password} is the one hashed; slow on purpose, constant time in the comparison. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length));
    }

    public int iterations() {
        return iterations;
    }

    public String format() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash other && iterations == other.iterations && Arrays.equals(salt, other.salt)
                && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    /** Never the hash itself: this lands in logs. */
    @Override
    public String toString() {
        return SCHEME + "(" + iterations + " iterations)";
    }
}
