package io.vanrouter.transport.tls;

import io.netty.buffer.ByteBufAllocator;
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
 * TLS toward an application server (a TCP connector): the CAs its certificate must chain to (the JDK's default trust
 * store when none is given), whether its certificate must name the host, the name sent in SNI and checked, and
 * optionally a client certificate. TLS 1.2 and 1.3. On the JDK's engine, as {@link ServerTls#forStreams}: Netty's
 * OpenSSL engine cannot keep writing once the server has sent close_notify (half-close). Immutable; any thread.
 */
public final class ClientTls {
    private final SslContext context;
    private final String serverName;

    private ClientTls(SslContext context, String serverName) {
        this.context = context;
        this.serverName = serverName;
    }

    /**
     * Reads the files.
     *
     * @param ca             the CA bundle the server's chain must lead to; null: the JDK's default trust store
     * @param cert           this router's client certificate, or null for none (then {@code key} is null too)
     * @param key            its private key
     * @param serverName     the name to send in SNI and to check the certificate against; null: the connector's host
     * @param verifyHostname whether the server's certificate must name that host (HTTPS rules: DNS or IP SAN)
     * @throws TlsException naming the file and the cause
     */
    public static ClientTls load(Path ca, Path cert, Path key, String serverName, boolean verifyHostname)
            throws TlsException {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
            if (ca != null) {
                builder.trustManager(PemFiles.trust(PemFiles.certificates(ca, "CA")));
            }
            if (cert != null) {
                builder.keyManager(new ByteArrayInputStream(PemFiles.read(cert, "certificate")),
                        new ByteArrayInputStream(PemFiles.read(key, "key")));
            }
            return new ClientTls(builder.build(), serverName);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            String files = cert == null ? String.valueOf(ca) : cert + " and " + key;
            throw new TlsException(files + ": cannot be used for TLS: "
                    + Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()), e);
        }
    }

    /** The name the server's certificate is checked against for a connector to {@code host}. */
    public String serverName(String host) {
        return serverName == null ? host : serverName;
    }

    /** A client handler for a connection to {@code host:port}: SNI and the host name check use {@link #serverName}. */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
        return context.newHandler(alloc, serverName(host), port);
    }
}
