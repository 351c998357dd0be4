package io.vanrouter.transport.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;

/** Reading PEM credentials for {@link LinkTls} and {@link ServerTls}, with messages that name the file. */
final class PemFiles {
    private PemFiles() {
    }

    static byte[] read(Path file, String what) throws TlsException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsException(file + ": cannot read the " + what + ": " + e, e);
        }
    }

    /** Every certificate in {@code file}; at least one. */
    static List<X509Certificate> certificates(Path file, String what) throws TlsException {
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(read(file, what)))) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new TlsException(file + ": no certificate in the " + what + " file");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new TlsException(file + ": not a PEM " + what + ": " + e.getMessage(), e);
        }
    }

    /** Trust in exactly these CAs (no system roots). */
    static TrustManagerFactory trust(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            anchors.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        return factory;
    }
}
