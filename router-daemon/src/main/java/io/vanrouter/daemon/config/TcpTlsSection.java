package io.vanrouter.daemon.config;

import io.vanrouter.daemon.security.Pem;
import io.vanrouter.daemon.security.SecureFiles;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import io.vanrouter.transport.adaptor.tcp.TcpListenerSettings;
import io.vanrouter.transport.tls.ClientTls;
import io.vanrouter.transport.tls.ServerTls;
import io.vanrouter.transport.tls.TlsException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The {@code tls:} mapping of a TCP listener or connector. Paths are relative to the configuration file's directory.
 * When asked (check-config, run) the files are read: each must exist and hold what its key says, a certificate must
 * be in date, and a key must belong to its certificate; then the transport builds its TLS context from them.
 * <pre>
 * listeners[i].tls:  {cert: F, key: F, clientCa: F}                                  # clientCa optional
 * connectors[i].tls: {ca: F, cert: F, key: F, serverName: S, verifyHostname: true}  # all optional
 * </pre>
 */
final class TcpTlsSection {
    static final List<String> LISTENER_KEYS = List.of("cert", "key", "clientCa");
    static final List<String> CONNECTOR_KEYS = List.of("ca", "cert", "key", "serverName", "verifyHostname");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TcpTlsSection() {
    }

    /** {@code listeners[i].tls}, or null when absent or with problems. */
    static TcpListenerSettings.Tls listener(Section entry, Path source, Instant filesCheckedAt, Problems problems) {
        Section tls = section(entry, problems);
        if (tls == null) {
            return null;
        }
        tls.rejectUnknown(LISTENER_KEYS);
        int before = problems.count();
        Path cert = path(tls, "cert", true, source);
        Path key = path(tls, "key", true, source);
        Path clientCa = path(tls, "clientCa", false, source);
        if (problems.count() != before) {
            return null;
        }
        if (filesCheckedAt != null) {
            new FileCheck(tls, filesCheckedAt).identity(cert, key).cas("clientCa", clientCa);
            if (problems.count() != before || !loads(tls, () -> ServerTls.forStreams(cert, key, clientCa))) {
                return null;
            }
        }
        return new TcpListenerSettings.Tls(cert, key, clientCa);
    }

    /** {@code connectors[i].tls}, or null when absent or with problems. */
    static TcpConnectorSettings.Tls connector(Section entry, Path source, Instant filesCheckedAt,
            Problems problems) {
        Section tls = section(entry, problems);
        if (tls == null) {
            return null;
        }
        tls.rejectUnknown(CONNECTOR_KEYS);
        int before = problems.count();
        Path ca = path(tls, "ca", false, source);
        Path cert = path(tls, "cert", false, source);
        Path key = path(tls, "key", false, source);
        String serverName = tls.string("serverName", false);
        Boolean verify = tls.bool("verifyHostname");
        if (serverName != null && (serverName.isBlank() || serverName.contains(" "))) {
            tls.problem("serverName", "must be a host name, got '" + serverName + "'");
        }
        if (cert != null && key == null && !tls.isInvalid("key")) {
            tls.problem("cert", "a client certificate needs its key: add tls.key");
        } else if (key != null && cert == null && !tls.isInvalid("cert")) {
            tls.problem("key", "a client key needs its certificate: add tls.cert");
        }
        if (problems.count() != before) {
            return null;
        }
        boolean verifyHostname = verify == null || verify;
        if (filesCheckedAt != null) {
            FileCheck files = new FileCheck(tls, filesCheckedAt).cas("ca", ca);
            if (cert != null) {
                files.identity(cert, key);
            }
            if (problems.count() != before
                    || !loads(tls, () -> ClientTls.load(ca, cert, key, serverName, verifyHostname))) {
                return null;
            }
        }
        return new TcpConnectorSettings.Tls(ca, cert, key, serverName, verifyHostname);
    }

    private static Section section(Section entry, Problems problems) {
        YamlNode node = entry.value("tls");
        return node == null ? null : Section.of(node, entry.pathOf("tls"), problems);
    }

    private static Path path(Section tls, String key, boolean required, Path source) {
        String file = tls.string(key, required);
        if (file == null) {
            return null;
        }
        if (file.isBlank()) {
            tls.problem(key, "must name a file");
            return null;
        }
        Path dir = source == null || source.getParent() == null ? Path.of("") : source.getParent();
        return dir.resolve(file);
    }

    private interface Loader {
        void load() throws TlsException;
    }

    /** Whether the transport accepts the files (its message at {@code cert}, else {@code tls}, when not). */
    private static boolean loads(Section tls, Loader loader) {
        try {
            loader.load();
            return true;
        } catch (TlsException e) {
            tls.problem(tls.value("cert") != null ? "cert" : tls.value("ca") != null ? "ca" : "key",
                    e.getMessage());
            return false;
        }
    }

    /** Reads the files of one {@code tls:} mapping, adding a problem at the key of each that is not usable. */
    private static final class FileCheck {
        private final Section tls;
        private final Instant now;

        FileCheck(Section tls, Instant now) {
            this.tls = tls;
            this.now = now;
        }

        FileCheck identity(Path certFile, Path keyFile) {
            X509Certificate cert = certificate("cert", certFile);
            PrivateKey key = key(keyFile);
            if (cert == null) {
                return this;
            }
            if (cert.getNotAfter().toInstant().isBefore(now)) {
                tls.problem("cert", "the certificate in " + certFile + " expired at " + cert.getNotAfter().toInstant()
                        + "; get a new one");
            } else if (cert.getNotBefore().toInstant().isAfter(now)) {
                tls.problem("cert", "the certificate in " + certFile + " is not valid before "
                        + cert.getNotBefore().toInstant() + "; check this machine's clock");
            }
            if (key != null && !matches(key, cert.getPublicKey())) {
                tls.problem("key", "the key in " + keyFile + " does not belong to the certificate in " + certFile
                        + "; use the key that was issued with it");
            }
            return this;
        }

        FileCheck cas(String key, Path file) {
            if (file != null) {
                certificate(key, file);
            }
            return this;
        }

        private X509Certificate certificate(String key, Path file) {
            String text = read(key, file);
            if (text == null) {
                return null;
            }
            try {
                return Pem.certificate(text);
            } catch (GeneralSecurityException e) {
                tls.problem(key, file + " holds no PEM certificate");
                return null;
            }
        }

        private PrivateKey key(Path file) {
            String text = read("key", file);
            if (text == null) {
                return null;
            }
            try {
                return Pem.privateKey(text);
            } catch (GeneralSecurityException e) {
                tls.problem("key", file + " holds no usable private key (" + e.getMessage() + ")");
                return null;
            }
        }

        private String read(String key, Path file) {
            try {
                return SecureFiles.read(file);
            } catch (NoSuchFileException e) {
                tls.problem(key, "file not found: " + file);
            } catch (AccessDeniedException e) {
                tls.problem(key, "cannot read " + file + ": permission denied");
            } catch (IOException e) {
                tls.problem(key, "cannot read " + file + ": " + e.getMessage());
            }
            return null;
        }
    }

    /** Whether {@code key} is the private half of {@code publicKey} (EC, RSA or EdDSA): signs and verifies. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return true; // an unusual key type: the TLS handshake will judge it
        }
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key, RANDOM);
            signer.update(challenge);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signed);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a public key of another type
        }
    }
}
