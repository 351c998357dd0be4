package io.vanrouter.transport.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Counts the bytes an inter-router connection reads and writes, below the frame codec (after TLS) and above the
 * socket, into the connection's {@link LinkTraffic}. Bytes are counted when handed to the socket, not when written.
 *
 * <p>One per channel; owning event loop.
 */
final class LinkTrafficHandler extends ChannelDuplexHandler {
    private final LinkTraffic traffic;

    LinkTrafficHandler(LinkTraffic traffic) {
        this.traffic = traffic;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        traffic.read(bytesOf(msg));
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        traffic.written(bytesOf(msg));
        ctx.write(msg, promise);
    }

    private static long bytesOf(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        return msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
    }
}
