package io.vanrouter.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.vanrouter.transport.netty.Errors;
import io.vanrouter.transport.wire.StreamResetCode;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects a TCP channel to its {@link SocketEnd}: bytes read go to the stream, FIN ends the direction, an error or
 * an early close aborts the stream. Over TLS a close_notify ends the direction too (Netty's TLS handler reports it as
 * an {@link SslCloseCompletionEvent} and leaves the channel open, so the other direction goes on); the FIN that
 * follows it changes nothing more.
 *
 * <p>One per channel; owning event loop (the stream's loop).
 */
final class SocketEndHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.adaptor.tcp");

    private final SocketEnd end;

    SocketEndHandler(SocketEnd end) {
        this.end = end;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            end.stream.onData(end, buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        end.onReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent
                || evt instanceof SslCloseCompletionEvent closed && closed.isSuccess()) {
            end.stream.onInputEnd(end);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("[{}] {} failed: {}", end.stream.router.routerId(), end.describe(), Errors.describe(cause));
        } else {
            LOG.error("[{}] unexpected error on {}; aborting its stream", end.stream.router.routerId(),
                    end.describe(), cause);
        }
        end.stream.abortFrom(end, StreamResetCode.ABORTED, end.describe() + ": " + Errors.describe(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end.stream.onSocketClosed(end);
        ctx.fireChannelInactive();
    }
}
