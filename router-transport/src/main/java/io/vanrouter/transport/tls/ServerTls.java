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
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * TLS for an application listener (the MQTT listener, TCP listeners): this router's server certificate and key, and
 * optionally the CA whose client certificates it requires. TLS 1.2 and 1.3, since application clients may not all
 * speak 1.3. Immutable; any thread.
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
        return load(cert, key, clientCa, OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    }

    /**
     * As {@link #load} but on the JDK's TLS engine, for byte streams that carry half-closes (TCP listeners): Netty's
     * OpenSSL engine closes its output when it receives close_notify, so the client could not be answered after it
     * ended its side; the JDK's engine keeps it open under TLS 1.3 (docs/security.md).
     */
    public static ServerTls forStreams(Path cert, Path key, Path clientCa) throws TlsException {
        return load(cert, key, clientCa, SslProvider.JDK);
    }

    private static ServerTls load(Path cert, Path key, Path clientCa, SslProvider provider) throws TlsException {
        byte[] certPem = PemFiles.read(cert, "certificate");
        byte[] keyPem = PemFiles.read(key, "key");
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(new ByteArrayInputStream(certPem),
                            new ByteArrayInputStream(keyPem))
                    .sslProvider(provider)
                    .protocols("TLSv1.3", "TLSv1.2");
            if (clientCa != null) {
                builder.trustManager(PemFiles.trust(PemFiles.certificates(clientCa, "client CA")))
                        .clientAuth(ClientAuth.REQUIRE);
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
}
