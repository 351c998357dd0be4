package io.vanrouter.transport.netty;

import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.dns.DefaultDnsCache;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.vanrouter.transport.DnsSettings;
import java.net.UnknownHostException;

/**
 * Builds the non-blocking DNS resolver of client bootstraps (peer dialers, TCP connectors). One group serves one
 * event loop group: each loop gets its own resolver (queries run on that loop, never blocking it), and all of them
 * share one cache whose entries live for the TTL of the answer, so a name is asked again once its TTL has expired.
 * Literal IP addresses and names in {@code /etc/hosts} (such as {@code localhost}) never reach a name server.
 *
 * <p>Pure factory; the caller owns the group and closes it with its event loops.
 */
public final class DnsResolvers {
    private DnsResolvers() {
    }

    public static DnsAddressResolverGroup create(DnsSettings dns, Class<? extends DatagramChannel> datagramType,
            Class<? extends SocketChannel> socketType) {
        DnsServerAddressStreamProvider servers = dns.nameServer() == null
                ? DnsServerAddressStreamProviders.platformDefault()
                : new SingletonDnsServerAddressStreamProvider(dns.nameServer());
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder()
                .datagramChannelType(datagramType)
                // A truncated UDP answer is asked again over TCP.
                .socketChannelType(socketType)
                .nameServerProvider(servers)
                // The group gives every loop's resolver this one cache. Positive answers live for their TTL,
                // failures are not kept: a name that appears is found at the next try.
                .resolveCache(new DefaultDnsCache(0, Integer.MAX_VALUE, 0));
        return new DnsAddressResolverGroup(builder);
    }

    /** True when {@code error} (or a cause) says a host name could not be resolved. */
    public static boolean isResolveFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
