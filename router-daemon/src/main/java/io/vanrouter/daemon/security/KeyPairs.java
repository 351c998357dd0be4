package io.vanrouter.daemon.security;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * Key pairs for the CA and routers: EC P-256 (secp256r1), which TLS 1.3 in the JDK and in OpenSSL/BoringSSL
 * (netty-tcnative) all support for certificates; Ed25519 is not accepted by every one of them. Any thread.
 */
public final class KeyPairs {
    public static final String CURVE = "secp256r1";
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyPairs() {
    }

    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC " + CURVE + " keys", e);
        }
    }

    public static byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(SIGNATURE_ALGORITHM);
        signature.initSign(key, RANDOM);
        signature.update(data);
        return signature.sign();
    }

    public static boolean verify(PublicKey key, byte[] data, byte[] signed) {
        try {
            Signature signature = Signature.getInstance(SIGNATURE_ALGORITHM);
            signature.initVerify(key);
            signature.update(data);
            return signature.verify(signed);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a key of another type, or a signature that does not even parse
        }
    }

    /** Whether {@code key} is the private half of {@code publicKey}: signs a random challenge and verifies it. */
    public static boolean matches(PrivateKey key, PublicKey publicKey) {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            return verify(publicKey, challenge, sign(key, challenge));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
