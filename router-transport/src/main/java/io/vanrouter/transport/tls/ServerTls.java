package io.vanrouter.transport.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for an application listener (the MQTT listener): this router's server certificate and key, and optionally the
 * CA whose client certificates it requires. TLS 1.2 and 1.3, since application clients may not all speak 1.3.
 * Immutable; any thread.
 */
public final class ServerTls {
    private final SslContext context;
    private final boolean clientCertificates;

    private ServerTls(SslContext context, boolean clientCertificates) {
        this.context = context;
        this.clientCertificates = clientCertificates;
    }

    /**
     * Reads the files; {@code clientCa} (may be null) makes client certificates from that CA required.
     *
     * @throws TlsException naming the file and the cause
     */
    public static ServerTls load(Path cert, Path key, Path clientCa) throws TlsException {
        byte[] certPem = read(cert, "certificate");
        byte[] keyPem = read(key, "key");
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(new ByteArrayInputStream(certPem),
                            new ByteArrayInputStream(keyPem))
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2");
            if (clientCa != null) {
                builder.trustManager(trust(clientCa)).clientAuth(ClientAuth.REQUIRE);
            }
            return new ServerTls(builder.build(), clientCa != null);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new TlsException(cert + " and " + key + ": cannot be used for TLS: "
                    + Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()), e);
        }
    }

    /** Whether clients must present a certificate from the configured CA. */
    public boolean clientCertificates() {
        return clientCertificates;
    }

    public SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }

    private static TrustManagerFactory trust(Path clientCa) throws TlsException, GeneralSecurityException,
            IOException {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int i = 0;
        for (var certificate : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(read(clientCa, "client CA")))) {
            anchors.setCertificateEntry("ca-" + i++, (X509Certificate) certificate);
        }
        if (i == 0) {
            throw new TlsException(clientCa + ": no certificate in the client CA file");
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        return factory;
    }

    private static byte[] read(Path file, String what) throws TlsException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TlsException(file + ": cannot read the " + what + ": " + e, e);
        }
    }
}
