package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.netty.Errors;

/**
 * Connects a stream connection (the raw bytes of one stream on one hop, docs/protocol.md section 5.3) to its
 * {@link MovedHop}: reads go to the stream, FIN ends the peer's direction, an error or a close after the move aborts
 * the stream.
 *
 * <p>One per stream connection; the stream's loop.
 */
final class RawEndHandler extends ChannelInboundHandlerAdapter {
    private final MovedHop hop;

    RawEndHandler(MovedHop hop) {
        this.hop = hop;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            hop.onData(buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        hop.onReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            hop.onInputEnd();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        hop.onClosed(Errors.describe(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        hop.onClosed("closed");
        ctx.fireChannelInactive();
    }
}
