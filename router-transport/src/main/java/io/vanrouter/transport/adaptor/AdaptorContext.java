package io.vanrouter.transport.adaptor;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.AddressResolverGroup;
import io.vanrouter.transport.message.MessageRouter;
import io.vanrouter.transport.stream.StreamRouter;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What the transport gives a {@link ProtocolAdaptor} at start: the shared event loops and the channel types that
 * match them, the non-blocking resolver, the two data planes and the core's routing state. Adaptors create no threads
 * and no event loops of their own.
 *
 * <p>Immutable; its parts are thread-safe.
 *
 * @param routerId          this router's id, for log lines
 * @param eventLoops        the loops links run on; adaptor sockets share them so a relay needs no thread hop
 * @param serverChannelType what listeners bind with (epoll when available, else NIO)
 * @param socketChannelType what outgoing connections use, matching {@code eventLoops}
 * @param datagramChannelType what UDP sockets use, matching {@code eventLoops}
 * @param resolvers         resolves host names on the event loops, never blocking them (closed by the transport)
 * @param streams           the stream plane: byte streams between a listener side and a connector side
 * @param messages          the message plane: addressed messages, delivered to local consumers and across links
 * @param routing           the core's routing table and address view, lock-free
 * @param consumers         where local consumers of addresses are announced to the core
 */
public record AdaptorContext(
        String routerId,
        EventLoopGroup eventLoops,
        Class<? extends ServerChannel> serverChannelType,
        Class<? extends SocketChannel> socketChannelType,
        Class<? extends DatagramChannel> datagramChannelType,
        AddressResolverGroup<InetSocketAddress> resolvers,
        StreamRouter streams,
        MessageRouter messages,
        RoutingView routing,
        LocalConsumers consumers) {

    public AdaptorContext {
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(eventLoops, "eventLoops");
        Objects.requireNonNull(serverChannelType, "serverChannelType");
        Objects.requireNonNull(socketChannelType, "socketChannelType");
        Objects.requireNonNull(datagramChannelType, "datagramChannelType");
        Objects.requireNonNull(resolvers, "resolvers");
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(consumers, "consumers");
    }
}
