package io.vanrouter.transport;

import java.net.InetSocketAddress;

/**
 * Where the router's non-blocking DNS resolver sends its queries. {@link #SYSTEM} (production) uses the name servers,
 * search domains and options of {@code /etc/resolv.conf}; {@link #nameServer(InetSocketAddress)} sends every query
 * to one server (tests). Either way {@code /etc/hosts} and literal IP addresses are answered without a query.
 *
 * @param nameServer the one server to query, or null for the system's
 */
public record DnsSettings(InetSocketAddress nameServer) {
    public static final DnsSettings SYSTEM = new DnsSettings(null);

    /** Every query goes to {@code server}. */
    public static DnsSettings nameServer(InetSocketAddress server) {
        return new DnsSettings(java.util.Objects.requireNonNull(server, "server"));
    }
}
