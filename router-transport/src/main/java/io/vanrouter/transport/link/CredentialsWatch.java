package io.vanrouter.transport.link;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.vanrouter.transport.tls.LinkTls;
import io.vanrouter.transport.tls.TlsException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;

/**
 * Re-reads the link credentials when their files change (rotation without restart: new connections use the new
 * ones, live links keep theirs) and closes live links whose peer the new revocation list names. Run periodically on
 * the control loop ({@link #POLL_MILLIS}).
 */
public final class CredentialsWatch implements Runnable {
    /** How often the files are checked: a revoked router's links close within this (plus a frame's travel). */
    public static final long POLL_MILLIS = 500;
    private static final Logger LOG = LinkHandshakeHandler.LOG;

    private final String routerId;
    private final LinkTls tls;
    private final LinkRegistry registry;
    private String lastProblem;

    public CredentialsWatch(String routerId, LinkTls tls, LinkRegistry registry) {
        this.routerId = routerId;
        this.tls = tls;
        this.registry = registry;
    }

    @Override
    public void run() {
        try {
            if (!tls.reloadIfChanged()) {
                return;
            }
            lastProblem = null;
            X509Certificate own = tls.certificate();
            LOG.info("[{}] link credentials reloaded: certificate serial {} valid until {}; new connections use them",
                    routerId, own.getSerialNumber().toString(16), own.getNotAfter().toInstant());
            closeRevoked();
        } catch (TlsException e) {
            if (!e.getMessage().equals(lastProblem)) { // a half-replaced pair is normal for a moment: say it once
                lastProblem = e.getMessage();
                LOG.warn("[{}] link credentials changed on disk but cannot be used; keeping those in use: {}",
                        routerId, e.getMessage());
            }
        }
    }

    /** Closes every live link whose peer certificate fails the check now (revoked since the link came up). */
    void closeRevoked() {
        for (ActiveLink link : registry.activeLinks()) {
            List<Channel> connections = new ArrayList<>(link.data().all());
            connections.add(0, link.channel());
            for (Channel connection : connections) {
                X509Certificate peer = peerCertificate(connection);
                LinkTls.Refusal refusal = peer == null ? null : tls.checkPeer(peer, link.peerId());
                if (refusal != null) {
                    LOG.warn("[{}] closing link L{} to {}: {}: {}", routerId, link.linkId(), link.peerId(),
                            refusal.reason().words(), refusal.text());
                    link.close(refusal.reason(), refusal.text());
                    break;
                }
            }
        }
    }

    private static X509Certificate peerCertificate(Channel connection) {
        SslHandler ssl = connection.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            return (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
