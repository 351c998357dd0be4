package io.vanrouter.it;

import io.vanrouter.daemon.security.KeyPairs;
import io.vanrouter.daemon.security.Pem;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA for application endpoints (not the router network's): certificates naming hosts (DNS and IP subject
 * alternative names) for TLS servers, clients and the routers' TCP listeners and connectors; PEM files in a directory.
 */
final class AppPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair caKey = KeyPairs.generate();
    private final X509Certificate ca;

    AppPki(Path dir) throws Exception {
        this.dir = dir;
        X500Name name = new X500Name("CN=apps CA");
        this.ca = sign(new JcaX509v3CertificateBuilder(name, serial(), from(), until(), name, caKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true)));
        Files.writeString(caFile(), Pem.certificate(ca));
    }

    Path caFile() {
        return dir.resolve("apps-ca.crt");
    }

    /** Writes {@code name.crt} and {@code name.key} for a certificate naming {@code hosts} (IP or DNS). */
    Issued issue(String name, String... hosts) throws Exception {
        KeyPair key = KeyPairs.generate();
        GeneralName[] sans = new GeneralName[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            sans[i] = new GeneralName(hosts[i].matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName,
                    hosts[i]);
        }
        X509Certificate cert = sign(new JcaX509v3CertificateBuilder(ca, serial(), from(), until(),
                new X500Name("CN=" + name), key.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans)));
        Issued issued = new Issued(dir.resolve(name + ".crt"), dir.resolve(name + ".key"), cert, key);
        Files.writeString(issued.cert(), Pem.certificate(cert));
        Files.writeString(issued.key(), Pem.privateKey(key.getPrivate()));
        return issued;
    }

    /** A JDK TLS context presenting {@code identity} (null: none) and trusting this CA. */
    SSLContext context(Issued identity) throws Exception {
        KeyManagerFactory keys = null;
        if (identity != null) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("me", identity.pair().getPrivate(), new char[0], new Certificate[] {identity.x509()});
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    record Issued(Path cert, Path key, X509Certificate x509, KeyPair pair) {
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder(KeyPairs.SIGNATURE_ALGORITHM).build(caKey.getPrivate())));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static Date from() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date until() {
        return Date.from(Instant.now().plus(Duration.ofDays(2)));
    }
}
