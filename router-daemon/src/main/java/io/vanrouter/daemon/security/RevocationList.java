package io.vanrouter.daemon.security;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;

/**
 * X.509 revocation lists signed by the network CA. Each new list keeps every earlier entry, adds the new serials and
 * carries the next CRL number, so a router can tell a newer list from an older one. Its nextUpdate is the CA's own
 * expiry: the list never goes stale, it is replaced when a router is revoked. Any thread.
 */
public final class RevocationList {
    private RevocationList() {
    }

    /**
     * A list signed by {@code ca} holding {@code previous}'s entries (if any) and {@code serials}, revoked at
     * {@code now}; a serial already listed keeps its first revocation date.
     */
    public static X509CRL build(CertificateAuthority ca, X509CRL previous, Collection<BigInteger> serials,
            Instant now) {
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca.certificate().getSubjectX500Principal(),
                Date.from(now));
        builder.setNextUpdate(ca.certificate().getNotAfter());
        Set<? extends X509CRLEntry> earlier = previous == null ? null : previous.getRevokedCertificates();
        if (earlier != null) {
            for (X509CRLEntry entry : earlier) {
                builder.addCRLEntry(entry.getSerialNumber(), entry.getRevocationDate(), CRLReason.unspecified);
            }
        }
        for (BigInteger serial : serials) {
            if (previous == null || previous.getRevokedCertificate(serial) == null) {
                builder.addCRLEntry(serial, Date.from(now), CRLReason.unspecified);
            }
        }
        try {
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number(previous).add(BigInteger.ONE)));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            return new JcaX509CRLConverter().getCRL(builder.build(CertificateAuthority.signer(ca.key())));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a revocation list", e);
        }
    }

    /** The list's CRL number; 0 for none (no list yet, or one without the extension). */
    public static BigInteger number(X509CRL crl) {
        byte[] extension = crl == null ? null : crl.getExtensionValue(Extension.cRLNumber.getId());
        if (extension == null) {
            return BigInteger.ZERO;
        }
        return ASN1Integer.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getValue();
    }
}
