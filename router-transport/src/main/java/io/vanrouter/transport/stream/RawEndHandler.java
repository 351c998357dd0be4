package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.netty.Errors;

/**
 * Connects a stream connection (the raw bytes of one stream on one hop, docs/protocol.md section 5.3) to its
 * {@link LinkEnd}: reads go to the stream, FIN ends the peer's direction, an error or a close after the move aborts
 * the stream.
 *
 * <p>One per stream connection; the stream's loop.
 */
final class RawEndHandler extends ChannelInboundHandlerAdapter {
    private final LinkEnd end;

    RawEndHandler(LinkEnd end) {
        this.end = end;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            end.onRawData(buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        end.onRawReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            end.onRawInputEnd();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        end.onRawClosed(Errors.describe(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end.onRawClosed("closed");
        ctx.fireChannelInactive();
    }
}
