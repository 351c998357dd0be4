package io.vanrouter.transport.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.vanrouter.transport.wire.ReasonCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * A router's link credentials in use: TLS 1.3 with client certificates on every inter-router connection, trusting
 * the network CA bundle, with this router's certificate and key. The chain and the validity dates are checked by the
 * TLS stack; the router id a peer's certificate names and the revocation list are checked by the link handshake
 * ({@link #checkPeer}), so that a refusal reaches the peer as a REFUSE with a reason it can log.
 *
 * <p>Files are re-read when they change ({@link #reloadIfChanged}): new connections use the new credentials, live
 * ones keep theirs. Any thread; the credentials in use are one immutable snapshot behind a volatile.
 */
public final class LinkTls {
    private final String routerId;
    private volatile TlsFiles files;
    private final SslProvider provider;
    private volatile Material material;

    /** One consistent set of credentials and the file stamps it was read from. */
    private record Material(SslContext server, SslContext client, List<X509CRL> crls, List<X509Certificate> cas,
            X509Certificate own, String stamp) {
    }

    /** Why a peer is refused after the TLS handshake: the reason on the wire and the words for both logs. */
    public record Refusal(ReasonCode reason, String text) {
    }

    private LinkTls(String routerId, TlsFiles files, SslProvider provider, Material material) {
        this.routerId = routerId;
        this.files = files;
        this.provider = provider;
        this.material = material;
    }

    /** Reads the files; OpenSSL (BoringSSL, through netty-tcnative) when it loads here, else the JDK's TLS. */
    public static LinkTls load(String routerId, TlsFiles files) throws TlsException {
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        return new LinkTls(routerId, files, provider, read(routerId, files, provider));
    }

    /** "OpenSSL (BoringSSL)" or "JDK (SunJSSE)": which TLS implementation the links use, for the log and status. */
    public String providerName() {
        return provider == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK (SunJSSE)";
    }

    public TlsFiles files() {
        return files;
    }

    /** This router's certificate in use. */
    public X509Certificate certificate() {
        return material.own();
    }

    /** A handler that runs TLS on a new connection: as the client on connections this router dials. */
    public SslHandler newHandler(ByteBufAllocator alloc, boolean dialed) {
        Material now = material;
        return (dialed ? now.client() : now.server()).newHandler(alloc);
    }

    /**
     * Checks a peer whose TLS handshake succeeded (its chain leads to the network CA and it is within its dates):
     * its certificate must name the router id it claims in HANDSHAKE and must not be revoked. Null when it passes.
     */
    public Refusal checkPeer(SSLSession session, String claimedId) {
        X509Certificate peer;
        try {
            peer = (X509Certificate) session.getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException | ClassCastException | ArrayIndexOutOfBoundsException e) {
            return new Refusal(ReasonCode.AUTHENTICATION_FAILED, "peer presented no certificate");
        }
        return checkPeer(peer, claimedId);
    }

    /** {@link #checkPeer(SSLSession, String)} on the certificate itself: also for links already up, after a reload. */
    public Refusal checkPeer(X509Certificate peer, String claimedId) {
        String named = RouterIdentity.routerIdOf(peer).orElse(null);
        if (named == null) {
            return new Refusal(ReasonCode.AUTHENTICATION_FAILED, "the peer's certificate names no router (no "
                    + RouterIdentity.URI_PREFIX + "<id> name); issue it with 'vanrouter certs issue'");
        }
        if (!named.equals(claimedId)) {
            return new Refusal(ReasonCode.AUTHENTICATION_FAILED, "the peer claims router id '" + claimedId
                    + "' but its certificate is issued to '" + named + "'");
        }
        for (X509CRL crl : material.crls()) {
            if (crl.getIssuerX500Principal().equals(peer.getIssuerX500Principal()) && crl.isRevoked(peer)) {
                return new Refusal(ReasonCode.CERTIFICATE_REVOKED, "the certificate of router '" + named
                        + "' (serial " + peer.getSerialNumber().toString(16) + ") is revoked by the network CA");
            }
        }
        return null;
    }

    /**
     * Switches to other files (a configuration reload named new paths): read now, used from the next connection on;
     * throws, keeping the current ones, when they cannot be used. Any thread.
     */
    public synchronized void useFiles(TlsFiles newFiles) throws TlsException {
        material = read(routerId, newFiles, provider);
        files = newFiles;
    }

    /** Whether the credentials in use are those on disk now (no change waits for {@link #reloadIfChanged}). */
    public boolean upToDate() {
        return stamp(files).equals(material.stamp());
    }

    /**
     * Re-reads the files if any changed since they were read. Returns true when new credentials are in use; throws
     * (and keeps the old ones) when the new files cannot be used, e.g. a key that does not match its certificate yet
     * because only one of the two was replaced so far.
     */
    public synchronized boolean reloadIfChanged() throws TlsException {
        Material now = material;
        TlsFiles current = files;
        if (stamp(current).equals(now.stamp())) {
            return false;
        }
        material = read(routerId, current, provider);
        return true;
    }

    private static Material read(String routerId, TlsFiles files, SslProvider provider) throws TlsException {
        String stamp = stamp(files);
        byte[] certPem = PemFiles.read(files.cert(), "certificate");
        byte[] keyPem = PemFiles.read(files.key(), "key");
        List<X509Certificate> cas = PemFiles.certificates(files.ca(), "CA bundle");
        List<X509Certificate> chain = PemFiles.certificates(files.cert(), "certificate");
        X509Certificate own = chain.get(0);
        String named = RouterIdentity.routerIdOf(own).orElse(null);
        if (!routerId.equals(named)) {
            throw new TlsException(files.cert() + ": the certificate is issued to "
                    + (named == null ? "no router" : "router '" + named + "'") + ", not to this router ('" + routerId
                    + "')");
        }
        List<X509CRL> crls = files.crl() == null ? List.of() : crls(files.crl(), cas);
        try {
            TrustManagerFactory trust = PemFiles.trust(cas);
            SslContext server = SslContextBuilder.forServer(new ByteArrayInputStream(certPem),
                            new ByteArrayInputStream(keyPem))
                    .sslProvider(provider).protocols("TLSv1.3").trustManager(trust).clientAuth(ClientAuth.REQUIRE)
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(new ByteArrayInputStream(certPem), new ByteArrayInputStream(keyPem))
                    .sslProvider(provider).protocols("TLSv1.3").trustManager(trust)
                    .endpointIdentificationAlgorithm(null) // peers are known by router id, not host name (NAT)
                    .build();
            return new Material(server, client, crls, cas, own, stamp);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new TlsException(files.cert() + " and " + files.key() + ": cannot be used for TLS: "
                    + Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()), e);
        }
    }

    /** The revocation lists in {@code file}; each must be signed by one of the CAs. */
    private static List<X509CRL> crls(Path file, List<X509Certificate> cas) throws TlsException {
        try {
            List<X509CRL> crls = new ArrayList<>();
            for (var crl : CertificateFactory.getInstance("X.509")
                    .generateCRLs(new ByteArrayInputStream(PemFiles.read(file, "revocation list")))) {
                X509CRL list = (X509CRL) crl;
                if (!signedByOneOf(list, cas)) {
                    throw new TlsException(file + ": the revocation list of " + list.getIssuerX500Principal()
                            + " is not signed by a CA of the bundle");
                }
                crls.add(list);
            }
            return crls;
        } catch (GeneralSecurityException e) {
            throw new TlsException(file + ": not a PEM revocation list: " + e.getMessage(), e);
        }
    }

    private static boolean signedByOneOf(X509CRL crl, List<X509Certificate> cas) {
        for (X509Certificate ca : cas) {
            try {
                crl.verify(ca.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                // not this one
            }
        }
        return false;
    }

    /** Modification times and sizes of the files: a change of any means a reload. */
    private static String stamp(TlsFiles files) {
        StringBuilder stamp = new StringBuilder();
        for (Path file : new Path[] {files.ca(), files.cert(), files.key(), files.crl()}) {
            if (file == null) {
                continue;
            }
            try {
                stamp.append(Files.getLastModifiedTime(file).toMillis()).append('/').append(Files.size(file));
            } catch (IOException e) {
                stamp.append("missing");
            }
            stamp.append(';');
        }
        return stamp.toString();
    }
}
