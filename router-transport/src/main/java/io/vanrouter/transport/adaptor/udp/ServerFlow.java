package io.vanrouter.transport.adaptor.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.stream.DatagramEnd;
import io.vanrouter.transport.stream.DatagramSink;

/**
 * The connector side of one flow: a UDP socket connected to the server, so the server sees one client per flow and
 * only its replies come back. Datagrams from the server enter the flow; the flow's datagrams are written to it.
 *
 * <p>The stream's event loop, which is the socket's.
 */
final class ServerFlow extends SimpleChannelInboundHandler<DatagramPacket> implements DatagramSink {
    private final String routerId;
    private final UdpConnectorSettings settings;
    private final UdpCounters counters;
    private final DatagramEnd flow;
    private Channel channel;

    ServerFlow(String routerId, UdpConnectorSettings settings, UdpCounters counters, DatagramEnd flow) {
        this.routerId = routerId;
        this.settings = settings;
        this.counters = counters;
        this.flow = flow;
    }

    /** The socket is connected; before the flow may send through it. */
    void attach(Channel connected) {
        channel = connected;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        counters.offered(settings.address(), flow.offer(packet.content().retain()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Typically ICMP port unreachable: the server is not up (yet). UDP carries on; the client will retry.
        UdpListener.LOG.debug("[{}] udp connector for '{}' to {}:{}: {}", routerId, settings.address(),
                settings.host(), settings.port(), Errors.describe(cause));
    }

    @Override
    public void send(ByteBuf datagram) {
        if (channel == null || !channel.isWritable()) {
            datagram.release();
            counters.socketBusy(settings.address());
            return;
        }
        channel.writeAndFlush(datagram, channel.voidPromise());
        counters.datagramOut(settings.address());
    }

    @Override
    public void closed() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public String describe() {
        return "udp server " + settings.host() + ":" + settings.port();
    }
}
