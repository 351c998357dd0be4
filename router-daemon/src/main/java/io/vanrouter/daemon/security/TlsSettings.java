package io.vanrouter.daemon.security;

import io.vanrouter.transport.tls.RouterIdentity;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The validated {@code tls:} section: either the files of this router's TLS identity, paths already resolved against
 * the configuration file's directory, or {@code insecure: true} (plain links, no files). Immutable.
 *
 * @param insecure true for {@code tls: {insecure: true}}; then every path is null
 * @param ca       the network CA certificate(s) that peers' certificates must lead to (PEM; a bundle may hold several)
 * @param cert     this router's certificate (PEM), naming its router id in a {@link RouterIdentity} SAN
 * @param key      this router's private key (PEM, PKCS#8 or EC)
 * @param crl      the network's revocation list (PEM X.509 CRL), or null when none is configured
 */
public record TlsSettings(boolean insecure, Path ca, Path cert, Path key, Path crl) {
    public static final TlsSettings INSECURE = new TlsSettings(true, null, null, null, null);

    public TlsSettings {
        if (insecure && (ca != null || cert != null || key != null || crl != null)) {
            throw new IllegalArgumentException("insecure TLS settings name no files");
        }
        if (!insecure) {
            Objects.requireNonNull(ca, "ca");
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
        }
    }

    /** Settings with files; {@code crl} may be null. */
    public static TlsSettings files(Path ca, Path cert, Path key, Path crl) {
        return new TlsSettings(false, ca, cert, key, crl);
    }
}
