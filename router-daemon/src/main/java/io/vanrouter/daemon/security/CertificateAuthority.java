package io.vanrouter.daemon.security;

import io.vanrouter.transport.tls.RouterIdentity;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A network's certificate authority: its self-signed certificate ({@code CN=NETWORK, O=vanrouter}) and key. It issues
 * router certificates (the router id in a {@link RouterIdentity} SAN, serverAuth and clientAuth) and signs revocation
 * lists and join tokens. Immutable; any thread.
 */
public final class CertificateAuthority {
    public static final int CA_DAYS_DEFAULT = 3_650;
    public static final int ROUTER_DAYS_DEFAULT = 365;
    /** Longest lifetime accepted for either: beyond 30 years is a typo. */
    public static final int DAYS_MAX = 10_950;
    /** Certificates start this long before they are made, so that a site whose clock is behind accepts them. */
    public static final Duration BACKDATE = Duration.ofHours(1);
    public static final String ORGANIZATION = "vanrouter";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final String network;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key, String network) {
        this.certificate = certificate;
        this.key = key;
        this.network = network;
    }

    /** A new CA for {@code network}, valid from {@code now} (less {@link #BACKDATE}) for {@code days}. */
    public static CertificateAuthority create(String network, int days, Instant now) {
        KeyPair pair = KeyPairs.generate();
        X500Name subject = name(network);
        Instant notAfter = now.plus(Duration.ofDays(days));
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, pair.getPublic());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0)); // routers only below it
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(pair.getPublic()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a CA certificate", e);
        }
        return new CertificateAuthority(build(builder, pair.getPrivate()), pair.getPrivate(), network);
    }

    /**
     * A CA from its files' contents.
     *
     * @throws CredentialException when the key does not belong to the certificate or it is no vanrouter CA
     */
    public static CertificateAuthority of(X509Certificate certificate, PrivateKey key) throws CredentialException {
        if (!KeyPairs.matches(key, certificate.getPublicKey())) {
            throw new CredentialException("the CA key does not belong to the CA certificate");
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new CredentialException("the CA certificate is not a CA certificate (no basicConstraints CA:true)");
        }
        String network = networkOf(certificate)
                .orElseThrow(() -> new CredentialException("the CA certificate names no network (no CN)"));
        return new CertificateAuthority(certificate, key, network);
    }

    /** The network a CA certificate is for: the CN of its subject. */
    public static Optional<String> networkOf(X509Certificate caCertificate) {
        X500Name subject = X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded());
        RDN[] cns = subject.getRDNs(BCStyle.CN);
        if (cns.length != 1) {
            return Optional.empty();
        }
        ASN1Encodable value = cns[0].getFirst().getValue();
        return value instanceof ASN1String text && !text.getString().isEmpty() ? Optional.of(text.getString())
                : Optional.empty();
    }

    /** A router certificate for {@code routerId}, valid for {@code days} but never past this CA's own expiry. */
    public Credentials issue(String routerId, int days, Instant now) {
        KeyPair pair = KeyPairs.generate();
        Instant notAfter = now.plus(Duration.ofDays(days));
        Instant caNotAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                Date.from(now.minus(BACKDATE)), Date.from(notAfter), name(routerId), pair.getPublic());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                    new GeneralName(GeneralName.uniformResourceIdentifier, RouterIdentity.uriOf(routerId))));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    utils.createAuthorityKeyIdentifier(certificate));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a router certificate", e);
        }
        return new Credentials(build(builder, key), pair.getPrivate());
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's private key: signs certificates, revocation lists and join tokens. */
    PrivateKey key() {
        return key;
    }

    public PublicKey publicKey() {
        return certificate.getPublicKey();
    }

    public String network() {
        return network;
    }

    /** {@code CN=NAME, O=vanrouter}; the builder escapes any character X.500 names give a meaning to. */
    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName)
                .addRDN(BCStyle.O, ORGANIZATION).build();
    }

    /** 127 random bits, positive: unique without a counter, within RFC 5280's 20 octets. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(126);
    }

    static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(KeyPairs.SIGNATURE_ALGORITHM).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with " + KeyPairs.SIGNATURE_ALGORITHM, e);
        }
    }

    private static X509Certificate build(X509v3CertificateBuilder builder, PrivateKey signingKey) {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(signingKey)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decode a certificate just built", e);
        }
    }
}
