package io.vanrouter.daemon.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The files of a network CA, in one directory: {@code ca.crt}, {@code ca.key} (0600), {@code issued.tsv} (the
 * {@link IssuedIndex}) and {@code revoked.crl} (the {@link RevocationList}, once a router was revoked). CLI only.
 */
public final class CaDirectory {
    public static final String CERT_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";
    public static final String INDEX_FILE = "issued.tsv";
    public static final String CRL_FILE = "revoked.crl";

    private final Path dir;

    public CaDirectory(Path dir) {
        this.dir = dir;
    }

    public Path certFile() {
        return dir.resolve(CERT_FILE);
    }

    public Path keyFile() {
        return dir.resolve(KEY_FILE);
    }

    public Path indexFile() {
        return dir.resolve(INDEX_FILE);
    }

    public Path crlFile() {
        return dir.resolve(CRL_FILE);
    }

    /** Writes a new CA; refuses to replace an existing one unless {@code force}. */
    public void create(CertificateAuthority ca, boolean force) throws CredentialException, IOException {
        SecureFiles.requireAbsent(force, certFile(), keyFile());
        SecureFiles.writePrivate(keyFile(), Pem.privateKey(ca.key()));
        SecureFiles.writePublic(certFile(), Pem.certificate(ca.certificate()));
        Files.deleteIfExists(indexFile()); // with --force: the old CA's certificates are not this one's
        Files.deleteIfExists(crlFile());
    }

    /** Reads the CA, with a message naming the file and what to do when it cannot. */
    public CertificateAuthority load() throws CredentialException {
        if (!Files.isDirectory(dir)) {
            throw new CredentialException("CA directory " + dir + " does not exist; create a CA with"
                    + " 'vanrouter certs ca --network NAME --out " + dir + "' or pass the directory that holds ca.crt"
                    + " and ca.key");
        }
        X509Certificate certificate;
        PrivateKey key;
        try {
            certificate = Pem.certificate(readCaFile(certFile()));
            key = Pem.privateKey(readCaFile(keyFile()));
        } catch (GeneralSecurityException e) {
            throw new CredentialException("cannot read the CA in " + dir + ": " + e.getMessage(), e);
        }
        try {
            return CertificateAuthority.of(certificate, key);
        } catch (CredentialException e) {
            throw new CredentialException(dir + ": " + e.getMessage(), e);
        }
    }

    /** {@link #load}, refusing a CA that is out of date at {@code now}: whatever it issued would be refused too. */
    public CertificateAuthority loadValidAt(Instant now) throws CredentialException {
        CertificateAuthority ca = load();
        Instant notAfter = ca.certificate().getNotAfter().toInstant();
        Instant notBefore = ca.certificate().getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            throw new CredentialException("the CA in " + dir + " expired at " + notAfter + "; make a new CA"
                    + " (vanrouter certs ca --force) and new credentials for every router");
        }
        if (now.isBefore(notBefore)) {
            throw new CredentialException("the CA in " + dir + " is not valid before " + notBefore
                    + "; check this machine's clock");
        }
        return ca;
    }

    /** Records an issued certificate, so that {@code certs revoke} finds it. */
    public void record(X509Certificate certificate, String routerId) throws IOException {
        IssuedIndex.append(indexFile(), IssuedIndex.Entry.of(certificate, routerId));
    }

    public List<IssuedIndex.Entry> issued() throws IOException {
        return IssuedIndex.read(indexFile());
    }

    /** The current revocation list, or null when no router was revoked yet. */
    public X509CRL revocationList() throws CredentialException {
        if (!Files.exists(crlFile())) {
            return null;
        }
        try {
            return Pem.revocationList(SecureFiles.read(crlFile()));
        } catch (IOException | GeneralSecurityException e) {
            throw new CredentialException("cannot read the revocation list " + crlFile() + ": " + e.getMessage()
                    + "; restore it from a backup (a new list would forget the routers revoked in it)", e);
        }
    }

    /**
     * Revokes every certificate issued to {@code routerId}: writes a new {@code revoked.crl}.
     *
     * @return the serials revoked by this call (empty when all were revoked before)
     * @throws CredentialException when this CA never issued a certificate to {@code routerId}
     */
    public RevokeResult revoke(CertificateAuthority ca, String routerId, Instant now)
            throws CredentialException, IOException {
        List<BigInteger> serials = issued().stream().filter(e -> e.routerId().equals(routerId))
                .map(IssuedIndex.Entry::serial).toList();
        if (serials.isEmpty()) {
            throw new CredentialException("this CA (" + dir + ") never issued a certificate to router '" + routerId
                    + "'; check the id (" + INDEX_FILE + " lists every router it issued to)");
        }
        X509CRL previous = revocationList();
        List<BigInteger> fresh = serials.stream()
                .filter(s -> previous == null || previous.getRevokedCertificate(s) == null).toList();
        X509CRL crl = RevocationList.build(ca, previous, serials, now);
        SecureFiles.writePublic(crlFile(), Pem.revocationList(crl));
        return new RevokeResult(fresh, serials.size(), RevocationList.number(crl));
    }

    /** What {@link #revoke} did. */
    public record RevokeResult(List<BigInteger> newlyRevoked, int issued, BigInteger crlNumber) {
    }

    private static String readCaFile(Path file) throws CredentialException {
        try {
            return SecureFiles.read(file);
        } catch (NoSuchFileException e) {
            throw new CredentialException(file + " not found; is " + file.getParent() + " a CA directory (made by"
                    + " 'vanrouter certs ca')?", e);
        } catch (AccessDeniedException e) {
            throw new CredentialException("cannot read " + file + ": permission denied; run as the user who made the"
                    + " CA", e);
        } catch (IOException e) {
            throw new CredentialException("cannot read " + file + ": " + e, e);
        }
    }
}
