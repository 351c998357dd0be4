package io.vanrouter.transport.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** A network CA for tests: EC P-256 router certificates naming {@code vanrouter://router/ID}, PEM files, CRLs. */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final String name;
    private final KeyPair caKey;
    private final X509Certificate ca;

    public TestPki(Path dir, String name) throws Exception {
        this.dir = dir;
        this.name = name;
        this.caKey = ecKey();
        X500Name subject = new X500Name("CN=" + name + ",O=vanrouter");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(365))), subject, caKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.ca = new JcaX509CertificateConverter().getCertificate(builder.build(signer()));
        write(dir.resolve(name + "-ca.crt"), ca);
    }

    public Path caFile() {
        return dir.resolve(name + "-ca.crt");
    }

    X509Certificate ca() {
        return ca;
    }

    /** Writes a CA bundle of these CAs to {@code file} (replacing it at once). */
    static void bundle(Path file, TestPki... cas) throws Exception {
        StringBuilder text = new StringBuilder();
        for (TestPki pki : cas) {
            text.append(Files.readString(pki.caFile()));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** New credentials for router {@code id} from this CA, written over {@code files}' certificate and key. */
    X509Certificate reissue(String id, TlsFiles files) throws Exception {
        TlsFiles fresh = issue(id, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(365)),
                id + "-next-" + SERIALS.incrementAndGet());
        Files.copy(fresh.key(), files.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(fresh.cert(), files.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return certificate(fresh);
    }

    /** Credentials of router {@code id}, valid from now for a year. */
    public TlsFiles issue(String id) throws Exception {
        return issue(id, Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(365)), null);
    }

    /** Credentials of router {@code id} with these dates, under {@code fileName} (default: the id). */
    TlsFiles issue(String id, Instant notBefore, Instant notAfter, String fileName) throws Exception {
        KeyPair key = ecKey();
        var builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(notBefore), Date.from(notAfter),
                new X500Name("CN=" + id + ",O=vanrouter"), key.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, RouterIdentity.uriOf(id))))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer()));
        String base = (fileName == null ? id : fileName) + "-" + name;
        Path cert = dir.resolve(base + ".crt");
        Path keyFile = dir.resolve(base + ".key");
        write(cert, certificate);
        try (JcaPEMWriter pem = new JcaPEMWriter(Files.newBufferedWriter(keyFile))) {
            pem.writeObject(new PemObject("PRIVATE KEY", key.getPrivate().getEncoded())); // PKCS#8
        }
        return new TlsFiles(caFile(), cert, keyFile, null);
    }

    /**
     * Credentials of an application server (or client) named by {@code names}: DNS names, or IP addresses for names
     * made of digits and dots; files {@code base-<ca name>.crt/.key}.
     */
    public TlsFiles issueServer(String base, String... names) throws Exception {
        KeyPair key = ecKey();
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            sans[i] = new GeneralName(names[i].matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName,
                    names[i]);
        }
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(365))), new X500Name("CN=" + base), key.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer()));
        Path cert = dir.resolve(base + "-" + name + ".crt");
        Path keyFile = dir.resolve(base + "-" + name + ".key");
        write(cert, certificate);
        try (JcaPEMWriter pem = new JcaPEMWriter(Files.newBufferedWriter(keyFile))) {
            pem.writeObject(new PemObject("PRIVATE KEY", key.getPrivate().getEncoded())); // PKCS#8
        }
        return new TlsFiles(caFile(), cert, keyFile, null);
    }

    /** Writes a CRL revoking {@code revoked} (certificates of this CA) to {@code file}. */
    void revoke(Path file, X509Certificate... revoked) throws Exception {
        Date now = new Date();
        var builder = new JcaX509v2CRLBuilder(ca, now);
        builder.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(30))));
        for (X509Certificate certificate : revoked) {
            builder.addCRLEntry(certificate.getSerialNumber(), now, CRLReason.keyCompromise);
        }
        var crl = new JcaX509CRLConverter().getCRL(builder.build(signer()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (JcaPEMWriter pem = new JcaPEMWriter(Files.newBufferedWriter(tmp))) {
            pem.writeObject(crl);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static X509Certificate certificate(TlsFiles files) throws Exception {
        try (var in = Files.newInputStream(files.cert())) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private org.bouncycastle.operator.ContentSigner signer() throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate());
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static void write(Path file, Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(object);
        }
        Files.writeString(file, text.toString());
    }
}
