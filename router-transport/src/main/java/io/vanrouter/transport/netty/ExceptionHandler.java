package io.vanrouter.transport.netty;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Always the last handler of a pipeline: whatever reaches it closes the connection, so one bad connection never takes
 * the router down. An {@link IOException} (reset, broken pipe) is routine and logged at DEBUG; anything else is a bug
 * and logged at ERROR with its stack.
 *
 * <p>Sharable, stateless; owning event loop.
 */
@Sharable
public final class ExceptionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.link");

    private final String routerId;

    public ExceptionHandler(String routerId) {
        this.routerId = routerId;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("[{}] connection {} failed: {}", routerId, ctx.channel().remoteAddress(), Errors.describe(cause));
        } else {
            LOG.error("[{}] unexpected error on connection {}; closing it", routerId, ctx.channel().remoteAddress(),
                    cause);
        }
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        io.netty.util.ReferenceCountUtil.release(msg);
        LOG.error("[{}] message reached the end of the pipeline unhandled: {}", routerId, msg.getClass().getName());
    }
}
