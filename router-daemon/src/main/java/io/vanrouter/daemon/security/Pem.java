package io.vanrouter.daemon.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM text of certificates, private keys and revocation lists. Keys are written as unencrypted PKCS#8
 * ({@code PRIVATE KEY}), which the JDK, Netty and OpenSSL all read; {@code EC PRIVATE KEY} files are read too. Any
 * thread.
 */
public final class Pem {
    private Pem() {
    }

    public static String certificate(X509Certificate certificate) {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot encode a certificate we hold", e);
        }
    }

    public static String privateKey(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    public static String revocationList(X509CRL crl) {
        try {
            return pem("X509 CRL", crl.getEncoded());
        } catch (java.security.cert.CRLException e) {
            throw new IllegalStateException("cannot encode a revocation list we hold", e);
        }
    }

    /** Every certificate in the text, in order; empty when it holds none. */
    public static List<X509Certificate> certificates(String text) throws CertificateException {
        return factory().generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))
                .stream().map(X509Certificate.class::cast).toList();
    }

    /** The first certificate in the text. */
    public static X509Certificate certificate(String text) throws CertificateException {
        List<X509Certificate> all = certificates(text);
        if (all.isEmpty()) {
            throw new CertificateException("no PEM certificate in it");
        }
        return all.get(0);
    }

    /** The private key in the text ({@code PRIVATE KEY} or {@code EC PRIVATE KEY}). */
    public static PrivateKey privateKey(String text) throws GeneralSecurityException {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        } catch (IOException e) {
            throw new GeneralSecurityException("not a PEM private key: " + e.getMessage(), e);
        }
        throw new GeneralSecurityException("no unencrypted PEM private key in it");
    }

    public static X509CRL revocationList(String text) throws GeneralSecurityException {
        X509CRL crl = (X509CRL) factory()
                .generateCRL(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        if (crl == null) {
            throw new GeneralSecurityException("no PEM revocation list in it");
        }
        return crl;
    }

    private static CertificateFactory factory() throws CertificateException {
        return CertificateFactory.getInstance("X.509");
    }

    private static String pem(String type, byte[] der) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new IllegalStateException("a StringWriter does not fail", e);
        }
        return text.toString();
    }
}
