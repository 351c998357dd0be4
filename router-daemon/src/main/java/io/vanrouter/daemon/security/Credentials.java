package io.vanrouter.daemon.security;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A router's certificate and its private key. */
public record Credentials(X509Certificate certificate, PrivateKey key) {
    public Credentials {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }
}
