package io.vanrouter.daemon.security;

import io.vanrouter.transport.tls.RouterIdentity;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the files of a {@code tls:} section the way a peer will judge them: readable, in date, the key belonging to
 * the certificate, the certificate issued by the CA, naming this router, and not revoked by the configured list.
 * Reports every problem, each under the {@code tls} key it is about. Reads files; CLI and startup only.
 */
public final class TlsFileCheck {

    /** A problem with the file under {@code key} ({@code ca}, {@code cert}, {@code key} or {@code crl}). */
    public record Problem(String key, String message) {
    }

    private final List<Problem> problems = new ArrayList<>();
    private final Instant now;

    private TlsFileCheck(Instant now) {
        this.now = now;
    }

    /**
     * @param routerId {@code router.id}, or null when it is not known (then the id is not compared)
     * @return every problem found; empty when the files are fine, or for insecure settings
     */
    public static List<Problem> check(TlsSettings tls, String routerId, Instant now) {
        if (tls.insecure()) {
            return List.of();
        }
        TlsFileCheck check = new TlsFileCheck(now);
        check.run(tls, routerId);
        return List.copyOf(check.problems);
    }

    private void run(TlsSettings tls, String routerId) {
        List<X509Certificate> cas = certificates("ca", tls.ca());
        X509Certificate cert = certificate(tls.cert());
        PrivateKey key = key(tls.key());
        if (cas != null) {
            for (X509Certificate ca : cas) {
                inDate("ca", "the CA certificate in " + tls.ca(), ca, "the network needs a new CA");
            }
        }
        if (cert != null) {
            String what = "the certificate in " + tls.cert();
            inDate("cert", what, cert, "get a new one (vanrouter certs issue, or a new join token)");
            names(what, cert, routerId);
            if (cas != null && issuer(cert, cas).isEmpty()) {
                add("cert", what + " was not issued by the CA in " + tls.ca() + " (its issuer is '"
                        + cert.getIssuerX500Principal().getName() + "'); use the ca.crt that came with it, or a"
                        + " certificate from this network's CA");
            }
            if (key != null && !KeyPairs.matches(key, cert.getPublicKey())) {
                add("key", "the key in " + tls.key() + " does not belong to " + what + "; use the key that was"
                        + " issued with it");
            }
        }
        if (tls.crl() != null) {
            revocation(tls, cas, cert);
        }
    }

    private void names(String what, X509Certificate cert, String routerId) {
        Optional<String> named = RouterIdentity.routerIdOf(cert);
        if (named.isEmpty()) {
            add("cert", what + " names no router (no " + RouterIdentity.URI_PREFIX + "ID subject alternative name);"
                    + " issue it with vanrouter certs issue");
        } else if (routerId != null && !named.get().equals(routerId)) {
            add("cert", what + " is for router '" + named.get() + "' but router.id is '" + routerId + "'; use the"
                    + " certificate issued to " + routerId + ", or correct router.id");
        }
    }

    private void revocation(TlsSettings tls, List<X509Certificate> cas, X509Certificate cert) {
        X509CRL crl;
        try {
            crl = Pem.revocationList(read("crl", tls.crl()));
        } catch (UnreadableException e) {
            return;
        } catch (GeneralSecurityException e) {
            add("crl", tls.crl() + " holds no PEM revocation list (" + e.getMessage() + "); copy the network's"
                    + " revoked.crl again");
            return;
        }
        if (cas == null) {
            return;
        }
        boolean signed = cas.stream().anyMatch(ca -> signedBy(crl, ca));
        if (!signed) {
            add("crl", "the revocation list in " + tls.crl() + " is not signed by the CA in " + tls.ca()
                    + "; copy revoked.crl from this network's CA directory");
        } else if (cert != null && crl.isRevoked(cert)) {
            add("cert", "the certificate in " + tls.cert() + " (serial " + cert.getSerialNumber().toString(16)
                    + ") is revoked by the list in " + tls.crl() + "; this router needs a new certificate from the"
                    + " network's operator");
        }
    }

    private void inDate(String key, String what, X509Certificate cert, String remedy) {
        Instant notAfter = cert.getNotAfter().toInstant();
        Instant notBefore = cert.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            add(key, what + " expired at " + notAfter + "; " + remedy);
        } else if (now.isBefore(notBefore)) {
            add(key, what + " is not valid before " + notBefore + "; check this machine's clock");
        }
    }

    private static Optional<X509Certificate> issuer(X509Certificate cert, List<X509Certificate> cas) {
        return cas.stream().filter(ca -> ca.getSubjectX500Principal().equals(cert.getIssuerX500Principal()))
                .filter(ca -> verifies(cert, ca)).findFirst();
    }

    private static boolean verifies(X509Certificate cert, X509Certificate ca) {
        try {
            cert.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean signedBy(X509CRL crl, X509Certificate ca) {
        try {
            crl.verify(ca.getPublicKey());
            return crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private List<X509Certificate> certificates(String key, Path file) {
        try {
            List<X509Certificate> all = Pem.certificates(read(key, file));
            if (!all.isEmpty()) {
                return all;
            }
        } catch (UnreadableException e) {
            return null;
        } catch (GeneralSecurityException e) {
            // reported below
        }
        add(key, file + " holds no PEM certificate");
        return null;
    }

    private X509Certificate certificate(Path file) {
        List<X509Certificate> all = certificates("cert", file);
        return all == null ? null : all.get(0);
    }

    private PrivateKey key(Path file) {
        try {
            return Pem.privateKey(read("key", file));
        } catch (UnreadableException e) {
            return null;
        } catch (GeneralSecurityException e) {
            add("key", file + " holds no usable private key (" + e.getMessage() + ")");
            return null;
        }
    }

    private String read(String key, Path file) throws UnreadableException {
        try {
            return SecureFiles.read(file);
        } catch (NoSuchFileException e) {
            add(key, "file not found: " + file);
        } catch (AccessDeniedException e) {
            add(key, "cannot read " + file + ": permission denied");
        } catch (IOException e) {
            add(key, "cannot read " + file + ": " + e.getMessage());
        }
        throw new UnreadableException();
    }

    private void add(String key, String message) {
        problems.add(new Problem(key, message));
    }

    /** A file that could not be read; its problem is already added. */
    private static final class UnreadableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableException() {
            super(null, null, false, false);
        }
    }
}
