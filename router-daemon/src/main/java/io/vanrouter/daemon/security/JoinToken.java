package io.vanrouter.daemon.security;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * All a new site needs to join a network: its credentials, the network CA, the router to dial and the cost of that
 * link. Written and read, signed by the CA, by {@link JoinTokenFile}.
 *
 * @param network       the network's name, from the CA certificate
 * @param routerId      the new site's router id, as in its certificate's SAN
 * @param peerHost      the router to dial
 * @param peerPort      its inter-router port
 * @param cost          the new site's cost for that link
 * @param expires       after this instant {@code token redeem} refuses the token
 * @param caCertificate the network CA
 * @param credentials   the new site's certificate and key
 */
public record JoinToken(String network, String routerId, String peerHost, int peerPort, int cost, Instant expires,
        X509Certificate caCertificate, Credentials credentials) {

    public JoinToken {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(peerHost, "peerHost");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(caCertificate, "caCertificate");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String peer() {
        return (peerHost.contains(":") ? "[" + peerHost + "]" : peerHost) + ":" + peerPort;
    }
}
