package io.vanrouter.daemon.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vanrouter.transport.tls.RouterIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The credentials work for what they are for: TLS 1.3 with client certificates in the JDK, each side reading the
 * other's router id from its certificate, and a certificate from another CA refused.
 */
@Timeout(30)
class TlsHandshakeTest {
    static final char[] PASSWORD = "unused".toCharArray();

    @Test
    void shouldCompleteAMutualTls13HandshakeAndNameBothRouters() throws Exception {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create("acme", 10, now);

        String[] seen = handshake(context(ca.issue("site-a", 1, now), ca.certificate()),
                context(ca.issue("site-b", 1, now), ca.certificate()));

        assertThat(seen).containsExactly("TLSv1.3", "site-b", "site-a");
    }

    @Test
    void shouldRefuseAClientCertificateFromAnotherCa() throws Exception {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.create("acme", 10, now);
        CertificateAuthority other = CertificateAuthority.create("acme", 10, now);

        assertThatThrownBy(() -> handshake(context(ca.issue("site-a", 1, now), ca.certificate()),
                context(other.issue("site-b", 1, now), ca.certificate())))
                .isInstanceOf(IOException.class); // in TLS 1.3 the client hears of it at its first read: an alert
    }

    /** @return the protocol, the router id the server saw, the router id the client saw */
    private static String[] handshake(SSLContext server, SSLContext client) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            CompletableFuture<String> serverSaw = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    String id = routerId(socket);
                    socket.getOutputStream().write(1);
                    return id;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(listener.getInetAddress(),
                    listener.getLocalPort())) {
                socket.setEnabledProtocols(new String[] {"TLSv1.3"});
                socket.startHandshake();
                String clientSaw = routerId(socket);
                assertThat(socket.getInputStream().read()).isEqualTo(1);
                return new String[] {socket.getSession().getProtocol(), serverSaw.get(10, TimeUnit.SECONDS),
                    clientSaw};
            }
        }
    }

    private static String routerId(SSLSocket socket) throws IOException {
        Certificate peer = socket.getSession().getPeerCertificates()[0];
        return RouterIdentity.routerIdOf((X509Certificate) peer).orElse("none");
    }

    private static SSLContext context(Credentials own, X509Certificate ca) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("router", own.key(), PASSWORD, new Certificate[] {own.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
